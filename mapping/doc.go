// Package mapping reads mapping files and converts between spreadsheet rows and companies.
//
// One mapping file serves both directions: export writes a company's fields into the columns
// it lists (Mapping.Row), and import reads those columns back into a company (Mapping.Bind,
// Binding.Record), so an exported file that nobody edited imports as "unchanged"
// (Record.Diff). Without a mapping file, Default maps every documented field.
//
// # The file
//
// YAML (one document, at most MaxFileSize bytes, no anchors, aliases, merge keys or tags):
//
//	version: 1                 # required; the only version there is
//	match: serviceaccount      # optional: how update and upsert find a company:
//	                           #   uId | serviceaccount | companyName; a column must map it
//	sheet: 公司                # optional: the xlsx sheet to read (default: the first)
//	duplicates: allow          # optional: rows without a match key may repeat exactly, each
//	                           #   a company (default refuse: a repeat is invalid)
//	columns:                   # required, at least one; export writes them in this order
//	  - header: 公司名称        # required: the header cell of the column
//	    field: companyName     # required: a documented field or custom.<key>
//	    type: text             # see Types below; the default depends on the field
//	    required: true         # an empty cell is an error (after default is applied)
//	    default: 未命名         # replaces an empty cell on import; checked against the type
//	    trim: true             # text: remove surrounding spaces (full-width too). Default true;
//	                           #   other types always ignore surrounding spaces
//	    max_length: 100        # at most this many characters (not bytes)
//	    pattern: '[A-Z]\w+'    # Go regexp (RE2); the whole value must match
//	    values: [普通, 重要]    # text and list: the allowed values (each element of a list)
//	    note: 例如 ...          # for people (templates); no effect on conversion
//	    as: list               # list and cascade custom fields: send a JSON array (list) or one
//	                           #   string (text). Default: list -> text, cascade -> list
//	    readonly: true         # export the column, never import it (required for the
//	                           #   read-only fields url, supportId, createDT, updateDT)
//	    empty: clear           # an empty cell clears the field; default keep: an empty cell
//	                           #   leaves the field as it is (status and uId always keep)
//	extension:                 # optional: the company external extension (package extension)
//	  tableName: devices       #   the vendor's parameters as the page spells them: tableId,
//	  cPara: model:company_model,_id:company_asset  # tableName, cPara, filter, display;
//	  filter: "ownerType:company,owner:{{company.companyId}}"  # (quote a value that starts with {)
//	  pick: first              #   error (default) | first | last: which asset import --assets
//	                           #   takes when the filter keeps several
//	  # url: https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?...  instead of
//	  #   the parameters (pick may stay beside it)
//
// The extension block is checked by extension.Parse (every rule, each error at its key's line
// and column, with a fix), and every cPara target must be a custom.<key> column of type text
// that is not readonly: import --assets writes the asset's value into that column's cell.
//
// Every problem in a file is reported at once, as a *FileError whose problems carry the line
// and column: unknown keys (with a suggestion), unknown or read-only fields, a field or header
// (compared as Bind compares them) used twice, an unknown type, a type the field cannot hold,
// an enum without values, values that do not fit the type, a bad pattern or default, a bad
// version, a match key no column maps, an empty column list.
//
// # Fields
//
// The documented fields are those of the vendor's table (package bangwo8/field), by JSON key.
// uId may be a column: it is read to match rows to companies (Record.UID) and never written.
// The other read-only fields need readonly: true. custom.<key> maps the custom field key
// (field_1, or a name such as expect_time). The default type of a documented field: int for uId, supportId and userGroup;
// enum {未删除: 1, 已删除: 2} for status; date for servicestarttime and serviceendtime;
// datetime for createDT and updateDT; decimal for serviceCharge; list for tableName and
// service_groupid; text for the rest and for custom fields.
//
// # Types
//
//	text      the cell as it is.
//	int       123, -5, +7, 007 (-> 7), 12.0 (-> 12; spreadsheets write it), full-width digits.
//	decimal   12.50, 1,234.5, .5, 1E-05. Kept as written ("0.00" stays "0.00") and compared
//	          by value, so 12.5 and 12.50 are the same. A number with more significant digits
//	          than a double holds ("0.10000000000000001", how an xlsx may store 0.1) is read as
//	          the shortest decimal that is the same double (0.1); int columns too.
//	date      2017-01-01, 2017-1-1, 2017/1/1, 2017.1.1, 2017年1月1日, 20170101, or a date with a
//	          midnight time. Written 2017-01-01. Days that do not exist (2017-02-31) are
//	          refused, and so is a bare number (2024, 45356): a date-formatted workbook cell
//	          reaches the mapping as its date text (SerialText, in the workbook's date system),
//	          so a bare number is a year, a count or an unformatted serial, never a date.
//	datetime  2018-02-03 00:00:00, 2018/2/3 0:00, 2018-02-03T13:05, 2018年2月3日 13时05分, or a
//	          date (midnight). Written 2018-02-03 00:00:00.
//	enum      values: {label: value, ...}. A cell holds a label or a value; the API gets the
//	          value; export writes the label (or the value, when the file lists no label).
//	list      a,b,c; also ， and 、 between elements on import; spaces around elements and
//	          empty elements dropped. Written with ",".
//	cascade   北京市/二级1 (also ／) <-> ["北京市", "二级1"], one element per level.
//	url       http(s)://host/... or a bare host with a dot (www.example.com); kept as written.
//	email     name@example.com (no display name).
//	checkbox  是/否; also 1/0, true/false, y/n, yes/no, on/off, √/×, ✓/✗, 对/错. Written 是/否.
//
// Custom list and cascade values: the API returns several option ids as one string
// ("4672422,4672423") and multi-choice and cascade values as arrays. On update, a changed
// value is sent in the shape the company already has (array or string), so the API gets back
// what it gave; on create, and when the company lacks the field, as says. A text column that
// holds an API array shows it joined with "/" (bangwo8.FieldValue.String) and splits on "/"
// when it sends it back as an array.
//
// # Import
//
// Bind matches a header row to the columns: headers are compared after removing surrounding
// white space (full-width too) and byte order marks and folding full-width letters and
// brackets (（元） matches (元)). Unknown columns are warnings; a missing required or match
// column, or a mapped header that appears twice, is an error; a missing optional column is a
// warning and leaves its field alone. Binding.Record converts a row; every Problem names the
// row, the column letter, the header, the value ("***" for servicepassword), a stable Rule
// code and an English message.
//
// # Empty cells, the clear marker, and cells a spreadsheet program changed
//
// An empty cell keeps the company's value, in every column (a create leaves the field at the
// service's default); a column with empty: clear clears the field instead. One cell clears
// one value with the clear marker, #清空 (or #CLEAR; IsClearMarker), whatever empty: says;
// the marker in a required column, status or uId is an error (RuleRequired, RuleClear).
// Value.Clear and Change.Clear say that a value clears its field.
//
// A text cell that differs from the company's value only as a spreadsheet program changes a
// digit string it takes for a number (00123 -> 123, 123456789012 -> 1.23457E+11, 123 ->
// 123.0; Mangled) is no change: Diff leaves it out and Kept lists it, so the importer keeps
// the company's value and warns.
//
// # Export and formula injection
//
// Row returns one Cell per column with its kind: text (ids, accounts, anything with leading
// zeros or more than 15 digits), number, date or datetime. Text cells that a spreadsheet would
// run as a formula (starting with =, +, -, @, tab or CR) are prefixed with an apostrophe
// (EscapeFormula); Record removes exactly that prefix (UnescapeFormula), so "=1+1" and "-abc"
// survive an export and an import.
package mapping
