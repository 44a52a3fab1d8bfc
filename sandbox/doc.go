// Package sandbox is a faithful, persistent implementation of Bangwo8's company API, served
// over HTTP and stored in SQLite: the endpoints, parameters, defaults and rules of the vendor's
// documentation of its company data interface and company external extension. Every test,
// demo and rehearsal of the project runs against it, since the real service cannot be reached
// from the machines the project is built on. Serve serves it; package sandboxtest starts one
// for a test.
//
// It is the oracle the client is tested against, so it follows the vendor text on its own:
// it spells the company's fields, reads bodies and encodes answers itself, and takes none of
// that from the client. What it shares is package extension, the one implementation of the
// extension's rules (parameters, filter, cPara targets, which may not be built-in fields), so
// that its extension page, the checker and the import backfill cannot disagree.
//
// Choices the vendor text leaves open, made here:
//   - Integers (uId, supportId, userGroup, status) are answered as JSON numbers; requests may
//     send them as numbers or strings.
//   - createDT/updateDT are "YYYY-MM-DD HH:MM:SS" in China Standard Time (UTC+8); empty dates
//     are "0000-00-00"; serviceCharge defaults to "0.00".
//   - A PUT's custom_fields are merged by key: the keys given get the new value (a new key is
//     appended), the others stay as they were.
//   - A custom field search (field_1:454) matches a list value (cascade, multi-choice) against
//     its elements joined with "/", so it finds text inside any one element, and a path
//     "北京市/二级1" across levels too.
//   - A request body may not carry a read-only field (uId, url, supportId, createDT, updateDT,
//     and the undocumented multiServiceList, solveDT, waitDT, openDT, closeDT) nor an unknown
//     one: both answer 422, which keeps clients to the strict writer the project promises.
//   - The list orders by created_order first, then updated_order, and breaks ties by uId in
//     the direction of the last order given; search orders by sort_by (default createDT) the
//     same way.
//   - per_page above 5000 is answered with HTTP 500, as the real service answers 10000.
//   - GET by id and show_many return soft-deleted companies (status 2) too.
//
// Config.VendorShapes (the sandbox command's --vendor-shapes) takes the other reading: the
// answers follow the vendor's examples literally (string ids, no status or url, a search's
// count per page; see vendor.go).
//
// # The company external extension
//
// The sandbox also holds asset tables (资产表) and serves the extension page
// /osp2016/SDK/Tables/ticketAssetTable.php (see package extension for the rules, which the
// page applies through that package: one implementation for page, checker and backfill).
// Fixtures carry them beside companies:
//
//	{"companies": [...],
//	 "asset_tables": [
//	   {"id": 7, "name": "devices", "title": "设备",
//	    "fields": [{"key": "model", "title": "型号"}, {"key": "city", "title": "城市"}],
//	    "rows": [{"_id": 1, "ownerType": "company", "owner": "1000001", "model": "X200", "city": "北京"}]}]}
//
// id (positive) and name (the extension's tableName) are unique; fields lists the columns in
// order (keys _id, ownerType and owner are reserved); a row holds only those keys, as strings
// or numbers (kept as written), and gets the next free _id when it has none. A table whose id
// or name exists is replaced with its rows, so loading the same file twice changes nothing.
//
// The page takes the extension's parameters (tableId, tableName, cPara, filter, display) and
// the page's context, companyId (the company being edited) and cId (its contact; empty on a
// company page), in its query. GET answers JSON with format=json or Accept: application/json
// ({"table", "columns", "rows", "count", "owner", "notes", "warnings"}: the shown columns
// and, per row the filter keeps, _id and those columns) and otherwise a plain HTML table of
// the display columns (all when absent) with, when companyId is given, a form per row.
// POST pick=<_id> (same query) writes the cPara targets of that row into the company's
// custom fields, merged by key like a PUT, stamps updateDT, and answers a confirmation (HTML,
// or JSON {"uId", "asset_id", "assigned"}); a row the filter does not show cannot be picked.
// Bad parameters answer 400 with every problem and its fix; an unknown table or company 404.
// The page sits behind the API's Basic auth: the real page opens in the agent's logged-in
// browser, and the sandbox has no other login, so a browser asks for the account once.
package sandbox
