#!/bin/sh
# Regenerates testdata/office/*.xlsx: sheets written by LibreOffice Calc, the way an office
# program writes them (its styles, its date cells, t="n" numbers, hidden sheets, a CSV
# re-saved as a workbook whose one sheet is named after the file). The tests read the
# committed files, so CI needs no LibreOffice; run this after changing a source below.
#
#   scripts/office-fixtures.sh        # needs soffice (apt-get install libreoffice-calc)
set -eu
cd "$(dirname "$0")/.."
out=testdata/office
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-calc" >&2; exit 1; }

# in.csv: a CSV opened and saved as .xlsx. Calc's CSV import turns 2024-03-05 into a
# date-formatted cell and 2024 into a number; the one sheet is named "in".
cat >"$src/in.csv" <<'EOF'
公司名称,服务账号,服务开始时间,服务费余额
甲公司,lo-1,2024-03-05,0
乙公司,lo-2,2024,12.5
丙公司,lo-3,2024/3/6,1234.50
EOF

# near-miss.csv: the headers people type: a required marker, a variant character, spaces.
cat >"$src/near-miss.csv" <<'EOF'
公司名称（必填）, 服务帐号 ,服务开始时间
甲公司,lo-1,2024-03-05
EOF

# sheets.fods: a visible sheet of notes, a hidden sheet with a matching header (old data;
# Calc keeps the first sheet, the active one, visible), then the table: a title row and an empty row above the header; a real date, a bare number,
# the text 20240305, a number 0 and a date text in the cells.
cat >"$src/sheets.fods" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
  xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
  office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:automatic-styles>
  <number:date-style style:name="N1"><number:year number:style="long"/><number:text>年</number:text><number:month/><number:text>月</number:text><number:day/><number:text>日</number:text></number:date-style>
  <style:style style:name="hidden" style:family="table" style:master-page-name="Default"><style:table-properties table:display="false"/></style:style>
  <style:style style:name="shown" style:family="table" style:master-page-name="Default"><style:table-properties table:display="true"/></style:style>
  <style:style style:name="date" style:family="table-cell" style:data-style-name="N1"/>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Default"/></office:master-styles>
 <office:body><office:spreadsheet>
  <table:table table:name="说明" table:style-name="shown">
   <table:table-row><table:table-cell office:value-type="string"><text:p>填写说明：红色表头必填</text:p></table:table-cell></table:table-row>
  </table:table>
  <table:table table:name="旧数据" table:style-name="hidden">
   <table:table-row><table:table-cell office:value-type="string"><text:p>公司名称</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>服务账号</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell office:value-type="string"><text:p>旧公司</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>old-1</text:p></table:table-cell></table:table-row>
  </table:table>
  <table:table table:name="客户" table:style-name="shown">
   <table:table-row><table:table-cell office:value-type="string"><text:p>2024 年客户名单</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell/></table:table-row>
   <table:table-row>
    <table:table-cell office:value-type="string"><text:p>公司名称</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>服务账号</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>服务开始时间</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>服务费余额</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>备注</text:p></table:table-cell>
   </table:table-row>
   <table:table-row>
    <table:table-cell office:value-type="string"><text:p>甲公司</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>lo-1</text:p></table:table-cell>
    <table:table-cell table:style-name="date" office:value-type="date" office:date-value="2024-03-05"><text:p>2024年3月5日</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="0"><text:p>0</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>日期格式的单元格</text:p></table:table-cell>
   </table:table-row>
   <table:table-row>
    <table:table-cell office:value-type="string"><text:p>乙公司</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>lo-2</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>20240305</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="12.5"><text:p>12.5</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>文本 20240305</text:p></table:table-cell>
   </table:table-row>
   <table:table-row>
    <table:table-cell office:value-type="string"><text:p>丙公司</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>lo-3</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="2024"><text:p>2024</text:p></table:table-cell>
    <table:table-cell/>
    <table:table-cell office:value-type="string"><text:p>数字 2024：不是日期</text:p></table:table-cell>
   </table:table-row>
   <table:table-row>
    <table:table-cell office:value-type="string"><text:p>丁公司</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>lo-4</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>2024/3/6</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>日期文本</text:p></table:table-cell>
   </table:table-row>
  </table:table>
 </office:spreadsheet></office:body>
</office:document>
EOF

mkdir -p "$out"
# A profile of its own, so that a desktop LibreOffice that is open does not take the job.
# CSV:44,34,76,1 reads the CSVs as comma-separated, double-quoted UTF-8 from line 1.
soffice -env:UserInstallation="file://$src/profile" --headless --infilter=CSV:44,34,76,1 \
  --convert-to xlsx --outdir "$out" "$src/in.csv" "$src/near-miss.csv" >/dev/null
soffice -env:UserInstallation="file://$src/profile" --headless \
  --convert-to xlsx --outdir "$out" "$src/sheets.fods" >/dev/null
ls -l "$out"
