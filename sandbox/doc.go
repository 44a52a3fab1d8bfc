// Package sandbox is a faithful, persistent implementation of Bangwo8's company API
// (spec/API.md), served over HTTP and stored in SQLite. Every test, demo and rehearsal of the
// project runs against it, so it follows the vendor text closely and is the independent
// reference: it shares no code with the bangwo8 client package.
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
package sandbox
