// Package sheet reads a spreadsheet as rows of text cells: one sheet of an .xlsx workbook,
// or a .csv file in UTF-8 (with or without a byte order mark) or GBK. It is the one reader of
// the importer's input and of its asset tables.
//
// A Source yields rows with the row numbers a person sees in the spreadsheet, so a problem
// can be found in the file. Cells arrive as stored: a workbook's numbers and dates as the
// numbers it holds ("43101" for a date), so the mapping converts them by a column's type and
// not by a display format; DateSystem says how to read a date serial.
//
// What no reader should let through is refused here with an *InputError naming the file and
// place: a zip bomb, an encrypted workbook, a sheet whose XML breaks part-way (excelize would
// end the rows there without a word), a UTF-16 file, a CSV that mixes UTF-8 and GBK lines.
// CellProblems checks the cells of a row that no mapping column could accept: longer than
// Excel holds, control characters, a CSV value beyond the header's last column.
package sheet
