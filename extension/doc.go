// Package extension is the company external extension (公司外部扩展): a company's single-line
// text custom fields take their values from a row of an asset table (资产表). It holds the one
// implementation of the extension's rules, which the checker (bangwo8-etl extension check),
// the sandbox's extension page and the import backfill (import --assets) all use, so a
// configuration behaves the same in all three.
//
// # Parameters
//
// The vendor configures an extension with the query of its page,
// https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=...&cPara=...;
// ParseURL reads such a URL (percent-encoded or not) into Params, and a mapping file's
// extension block gives the same Params. Parse checks them and returns a Config and every
// problem, each with a fix:
//
//   - tableId or tableName: at least one (RuleTableRequired); tableId is a positive whole
//     number (RuleTableID). When both are given and point to different tables, tableName wins:
//     without the server the checker cannot tell, so both given is a warning (RuleTableBoth),
//     and the sandbox resolves tableName first.
//   - cPara: required (RuleCParaRequired); asset_field:company_field pairs, comma separated
//     (RuleCParaPair). _id on the asset side is the picked asset row's id. A target is a company
//     custom field key of a single-line text field (RuleCParaTarget): not a documented field,
//     not _id, not written twice. With a mapping, CheckTargets also requires a custom.<key>
//     text column for every target.
//   - filter: field:value pairs, comma separated (RuleFilterPair); absent or empty is no
//     filter. Values match fuzzily: a row is kept when its field contains the value, ignoring
//     case. ownerType is contacter or company (RuleOwnerType). owner is a literal id or a
//     placeholder: {{user.cId}} (the contact of the page) or {{company.companyId}} (the company
//     of the page), with spaces inside the braces tolerated as the vendor writes them
//     ({ {company.companyId} }); another placeholder is an error (RulePlaceholder), and a
//     placeholder of the other owner type a warning (RulePlaceholderType).
//   - owner without ownerType (or with an empty one): the vendor then shows all rows (no owner
//     filter); a warning (RuleOwnerWithoutType).
//   - Placeholders are filled in owner only; braces in another condition are matched as text
//     (a warning, RulePlaceholder).
//   - A placeholder whose value on the page is empty makes the ownerType/owner pair not apply:
//     all rows show (as far as the other conditions allow). See Config.Filter.
//   - display: the columns shown, comma separated; absent is all columns (RuleDisplay warns of
//     empty or repeated names).
//   - Parameter names are case-sensitive (tablename is not tableName) and unknown parameters
//     are ignored by the vendor: both are warnings (RuleUnknownParam), and so is a parameter
//     given twice (RuleDuplicateParam; the last one counts, as in PHP).
//
// # Decisions the vendor text leaves open
//
//   - ownerType and owner compare exactly, the other filter fields fuzzily: an owner id is an
//     identity, and a fuzzy "1000001" would also keep the rows of company 10000011.
//   - ownerType without owner keeps the rows of that owner type.
//   - Several conditions must all hold; a field named twice must hold both values.
//   - Pick (not a vendor parameter) tells the backfill which row to take when the filter keeps
//     several: error (the default: the row is invalid), first or last (by _id order as read).
package extension
