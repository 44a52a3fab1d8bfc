#!/usr/bin/env bash
# Renders what ops staff open in Excel — an export, the blank template, the error report — to
# PDF with LibreOffice headless, then to PNG with pdftoppm, for a person to look at; then takes
# a screenshot of each page of the web console (bangwo8-etl web) in headless Chromium, walked
# through as a person would (TestBrowserScreenshots), into OUTDIR/console and, made smaller
# with pngquant, into docs/console/, which the README shows.
#
# Not part of the test run: it installs libreoffice-calc-nogui, poppler-utils, chromium,
# pngquant and a Chinese font (fonts-wqy-zenhei; without one every Chinese character is a box)
# with apt-get.
#
#   scripts/screenshots.sh [OUTDIR]      # default /tmp/bangwo8-screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/bangwo8-screenshots}"

if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi wqy; then
  echo "== installing LibreOffice Calc (headless), poppler-utils and a Chinese font"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-calc-nogui poppler-utils fonts-wqy-zenhei >/dev/null
fi

rm -rf "$out"
mkdir -p "$out/files" "$out/pdf" "$out/png"
bin="$out/bangwo8-etl"
go build -o "$bin" ./cmd/bangwo8-etl

echo "== making the workbooks"
"$bin" demo --dir "$out/demo" >"$out/demo.txt"
"$bin" template --mapping samples/mapping.yaml --out "$out/files/template.xlsx" >/dev/null
"$bin" template --mapping samples/mapping.yaml --out "$out/files/template-en.xlsx" --lang en >/dev/null
cp "$out/demo/export.xlsx" "$out/demo/broken-report.xlsx" "$out/demo/import-report.xlsx" "$out/files/"

echo "== converting to PDF and PNG"
# A profile of our own, so that a LibreOffice already running for the user is not disturbed.
profile="file://$out/lo-profile"
for f in "$out"/files/*.xlsx; do
  soffice -env:UserInstallation="$profile" --headless --convert-to pdf --outdir "$out/pdf" "$f" >/dev/null 2>&1
done
for pdf in "$out"/pdf/*.pdf; do
  name=$(basename "$pdf" .pdf)
  pdftoppm -png -r 70 -f 1 -l 2 "$pdf" "$out/png/$name"
done
ls -1 "$out"/png/*.png

echo "== the web console's pages (headless Chromium)"
if ! command -v chromium >/dev/null || ! command -v pngquant >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium pngquant fonts-wqy-zenhei >/dev/null
fi
# go test runs in the package's directory: the flag takes an absolute path.
go test ./web -run '^TestBrowserScreenshots$' -count=1 -args -screenshots "$(cd "$out" && pwd)/console"
mkdir -p docs/console
for f in "$out"/console/*.png; do
  pngquant --force --quality 60-85 --output "docs/console/$(basename "$f")" "$f"
done
ls -1 "$out"/console/*.png
du -ch docs/console/*.png | tail -n 1
