// Package web is the console of bangwo8-etl in a browser: drop a sheet, fix its red cells in
// place, see the plan, run the import with live progress, download the report and undo; export
// with filters; download a template; check an extension URL; see the runs of this console.
//
// It is a thin layer over the packages the command line calls (importer, exporter, undo,
// template, extension): every rule is theirs, the console only shows what they say. The pages
// are html/template and a little plain JavaScript embedded in the binary; nothing is loaded
// from the internet.
//
// # Safety
//
// The console writes to a company account with its password, so a request must prove that it
// comes from the person who started it: the address printed at start carries a random token,
// exchanged at the first visit for an HttpOnly, SameSite=Strict cookie (and the token is then
// dropped from the address bar). A request without the cookie gets 401 (GET) or 403 (any other
// method); a state-changing request must also come from the console's own origin (Origin), and
// a Host that is not loopback is refused unless remote use was allowed (DNS rebinding). The
// password stays in the process; no page holds it. Uploads are size-limited and read by package
// sheet, with the defences of the command line.
package web
