package web

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

var screenshots = flag.String("screenshots", "", "write the console's screenshots (PNG) into this directory (scripts/screenshots.sh)")

// TestBrowserScreenshots walks through every page of the console as a person would and takes
// a screenshot of each: the README shows them (scripts/screenshots.sh writes them with
// -screenshots). Without the flag they go to a temporary directory and are only checked to
// be whole pictures of the window.
func TestBrowserScreenshots(t *testing.T) {
	t.Parallel()
	ctx, _ := newTab(t)
	c := newConsoleOn(t, sandboxtest.NewServer(t, sandboxtest.WithSeed(40, 11)))
	dir := *screenshots
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name, scrollTo string) {
		t.Helper()
		if scrollTo != "" {
			evalJS[bool](t, ctx, `(document.querySelector('`+scrollTo+`').scrollIntoView({block: "start"}), true)`)
		}
		data, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != 1280 || b.Dy() < 600 {
			t.Errorf("%s is %v", name, b)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	broken := filepath.Join(t.TempDir(), samples.Broken)
	if err := os.WriteFile(broken, sample(t, samples.Broken), 0o600); err != nil {
		t.Fatal(err)
	}

	c.open(t, ctx, "import")
	ours := filepath.Join(t.TempDir(), "ours.csv")
	if err := os.WriteFile(ours, []byte("公司名称,服务帐号,公司网址,内部编号\n甲公司,jia_01,https://jia.example.com,7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{ours}),
		chromedp.SetValue(chromedp.CSS("#upload-mapping"), samples.Mapping),
		chromedp.Click(chromedp.CSS("#builder summary")),
		chromedp.Click(chromedp.CSS("#builder-go")))
	waitFor(t, ctx, "the suggestions", `document.querySelectorAll('#builder-table select').length === 4`)
	shot("console-import-builder", "")
	do(t, ctx, chromedp.Click(chromedp.CSS("#builder summary")))

	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{broken}),
		chromedp.SetValue(chromedp.CSS("#upload-mapping"), samples.Mapping),
		chromedp.Click(chromedp.CSS("#upload-go")))
	waitFor(t, ctx, "the red cells", `document.querySelectorAll('#grid td.bad').length > 0`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#grid td.bad[title="2023-02-30"]`)))
	shot("console-import-grid", "")

	do(t, ctx,
		chromedp.SetValue(chromedp.CSS("#grid input.fix"), "2023-02-28"),
		chromedp.SendKeys(chromedp.CSS("#grid input.fix"), "\r"))
	waitFor(t, ctx, "the fixed cell", `document.querySelector('#grid td[title="2023-02-28"]') !== null`)
	do(t, ctx, chromedp.Click(chromedp.CSS("#skip-invalid")), chromedp.Click(chromedp.CSS("#plan-go")))
	waitFor(t, ctx, "the plan", `document.querySelector('#plan-line').textContent.includes('新建')`)
	shot("console-import-plan", "#plan-go")

	do(t, ctx, chromedp.Click(chromedp.CSS("#run-go")))
	waitFor(t, ctx, "the run", `document.querySelector('#import-run button.undo') !== null`)
	shot("console-import-run", "#import-run")

	do(t, ctx, chromedp.Navigate(c.srv.URL+"/#export"))
	waitFor(t, ctx, "the mappings", `document.querySelector('#export-mapping option[value="mapping.yaml"]') !== null`)
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#export-mapping"), samples.Mapping), chromedp.Click(chromedp.CSS("#export-go")))
	waitFor(t, ctx, "the export", `document.querySelector('#export-run a.download') !== null`)
	shot("console-export", "")

	do(t, ctx, chromedp.Navigate(c.srv.URL+"/#template"))
	waitFor(t, ctx, "the template link", `document.querySelector('#template-go').href.includes('mapping=')`)
	shot("console-template", "")

	do(t, ctx, chromedp.Navigate(c.srv.URL+"/#extension"),
		chromedp.SetValue(chromedp.CSS("#ext-url"), "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=devices&cPara=asset_field_1:companyName,asset_field_2：field_9&filter=ownerType:company,owner:{{company.companyId}}"),
		chromedp.Click(chromedp.CSS("#ext-go")))
	waitFor(t, ctx, "the problems", `document.querySelector('#ext-result .problem') !== null`)
	shot("console-extension", "")

	do(t, ctx, chromedp.Navigate(c.srv.URL+"/#history"))
	waitFor(t, ctx, "the history", `document.querySelectorAll('#history tr').length >= 3`)
	shot("console-history", "")

	do(t, ctx, chromedp.Navigate(c.srv.URL+"/?lang=en#import"))
	waitFor(t, ctx, "the mappings", `document.querySelector('#upload-mapping option[value="mapping.yaml"]') !== null`)
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{broken}),
		chromedp.SetValue(chromedp.CSS("#upload-mapping"), samples.Mapping),
		chromedp.Click(chromedp.CSS("#upload-go")))
	waitFor(t, ctx, "the red cells", `document.querySelectorAll('#grid td.bad').length > 0`)
	shot("console-import-grid-en", "")
}
