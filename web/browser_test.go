package web

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// browserPath finds a Chromium or Chrome to drive. Without one the browser tests skip with a
// message, except under CI=true, where a skipped browser test would hide that the console
// was never tried in a browser: there they fail (.ci/run installs Debian's chromium).
func browserPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROME_PATH"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if name == "" {
			continue
		}
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true and no Chromium found: the browser tests must run here (apt-get install chromium, or set CHROME_PATH)")
	}
	t.Skip("no Chromium found (apt-get install chromium, or set CHROME_PATH): browser test skipped")
	return ""
}

// newTab starts a headless browser for one test and returns its tab. Dialogs (the console's
// confirmations before it writes) are accepted, as a person clicking OK; downloads go to the
// returned directory.
func newTab(t *testing.T) (ctx context.Context, downloads string) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserPath(t)), chromedp.NoSandbox, chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	downloads = t.TempDir()
	yes := true
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &yes,
	}); err != nil {
		t.Fatal(err)
	}
	return ctx, downloads
}

// waitFor waits until the JavaScript expression is true in the page.
// A poll that starts while the page is being replaced (a navigation just ended) can lose its
// JavaScript context; it is started again.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	var err error
	for range 5 {
		err = chromedp.Do(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second)))
		if err == nil || !strings.Contains(err.Error(), "Cannot find context") {
			break
		}
	}
	if err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.innerText"))
		t.Fatalf("waiting for %s: %v\nthe page shows:\n%s", what, err, body)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// download clicks a download link and returns the file the browser saved.
func download(t *testing.T, ctx context.Context, dir, selector string) []byte {
	t.Helper()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	do(t, ctx, chromedp.Click(chromedp.CSS(selector)))
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download %s: %v", selector, err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatalf("download %s cancelled", selector)
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	t.Fatalf("download %s: no end", selector)
	return nil
}

func (c *console) open(t *testing.T, ctx context.Context, tab string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(c.srv.URL+"/?token="+testToken), chromedp.Navigate(c.srv.URL+"/#"+tab))
	waitFor(t, ctx, "the mappings", `document.querySelector('#upload-mapping option[value="mapping.yaml"]') !== null`)
}

func TestBrowserImportBrokenSampleFixPlanRunReportUndo(t *testing.T) {
	t.Parallel() // each has its own browser and console
	ctx, downloads := newTab(t)
	c := newConsole(t)
	broken := filepath.Join(t.TempDir(), samples.Broken)
	if err := os.WriteFile(broken, sample(t, samples.Broken), 0o600); err != nil {
		t.Fatal(err)
	}
	c.open(t, ctx, "import")
	if got := evalJS[string](t, ctx, `document.querySelector('#account').textContent`); got != c.sandbox.Account {
		t.Errorf("the page shows account %q", got)
	}

	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{broken}),
		chromedp.SetValue(chromedp.CSS("#upload-mapping"), samples.Mapping),
		chromedp.Click(chromedp.CSS("#upload-go")))
	waitFor(t, ctx, "the red cells", `document.querySelectorAll('#grid td.bad').length > 0`)
	if n := evalJS[int](t, ctx, `document.querySelectorAll('#grid tr.badrow').length`); n != 10 {
		t.Errorf("%d rows marked bad; want 10", n)
	}
	if first := evalJS[bool](t, ctx, `document.querySelector('#grid tbody tr').classList.contains('badrow')`); !first {
		t.Error("the first row of the grid has no problem: the rows with problems come first")
	}
	msg := evalJS[string](t, ctx, `document.querySelector('#grid td.bad[title="2023-02-30"] .msg').textContent`)
	if !strings.Contains(msg, "不是有效的日期") {
		t.Errorf("the red date cell says %q", msg)
	}

	// Fix the impossible date in place: the server checks it again and the row turns valid.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#grid td.bad[title="2023-02-30"]`)),
		chromedp.SetValue(chromedp.CSS("#grid input.fix"), "2023-02-28"),
		chromedp.SendKeys(chromedp.CSS("#grid input.fix"), "\r"))
	waitFor(t, ctx, "the fixed cell", `(() => { const td = document.querySelector('#grid td[title="2023-02-28"]'); return td && !td.classList.contains('bad'); })()`)
	if n := evalJS[int](t, ctx, `document.querySelectorAll('#grid tr.badrow').length`); n != 9 {
		t.Errorf("%d rows bad after the fix; want 9", n)
	}

	do(t, ctx, chromedp.Click(chromedp.CSS("#skip-invalid")), chromedp.Click(chromedp.CSS("#plan-go")))
	waitFor(t, ctx, "the plan", `document.querySelector('#plan-line').textContent.includes('新建 3')`)
	if rows := evalJS[string](t, ctx, `document.querySelector('#plan-rows').innerText`); !strings.Contains(rows, "服务开始时间：2023-02-28") {
		t.Errorf("the plan rows lack the fixed value:\n%s", rows)
	}
	if n := countCompanies(t, c.client); n != 0 {
		t.Fatalf("the plan wrote %d companies", n)
	}

	do(t, ctx, chromedp.Click(chromedp.CSS("#run-go"))) // the confirmation is accepted
	waitFor(t, ctx, "the run's report", `document.querySelector('#import-run a.download[data-file="report"]') !== null`)
	if got := evalJS[string](t, ctx, `document.querySelector('#import-run .result').textContent`); !strings.Contains(got, "新建 3") {
		t.Errorf("the run says %q", got)
	}
	if n := countCompanies(t, c.client); n != 3 {
		t.Fatalf("%d companies after the run; want 3", n)
	}
	if report := download(t, ctx, downloads, `#import-run a.download[data-file="report"]`); !bytes.HasPrefix(report, []byte("PK")) {
		t.Errorf("the report is not a workbook: % x", report[:min(8, len(report))])
	}

	do(t, ctx, chromedp.Click(chromedp.CSS("#import-run button.undo")))
	waitFor(t, ctx, "the undo", `document.querySelector('#import-run-undo a.download[data-file="undo-report"]') !== null`)
	if n := countCompanies(t, c.client); n != 0 {
		t.Fatalf("%d companies after undo; want 0", n)
	}
}

func TestBrowserExportWithProgressAndDownload(t *testing.T) {
	t.Parallel() // each has its own browser and console
	ctx, downloads := newTab(t)
	c := newConsoleOn(t, sandboxtest.NewServer(t, sandboxtest.WithSeed(120, 7)))
	listed := strconv.Itoa(countCompanies(t, c.client)) // the seed deletes some
	c.open(t, ctx, "export")
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#export-mapping"), samples.Mapping), chromedp.Click(chromedp.CSS("#export-go")))
	waitFor(t, ctx, "the progress", `document.querySelector('#export-run progress') !== null`)
	waitFor(t, ctx, "the export file", `document.querySelector('#export-run a.download[data-file="out"]') !== null`)
	if got := evalJS[string](t, ctx, `document.querySelector('#export-run .result').textContent`); !strings.Contains(got, "导出 "+listed+" ") {
		t.Errorf("the export says %q; want %s companies", got, listed)
	}
	if got := evalJS[string](t, ctx, `document.querySelector('#export-run .done-count').textContent`); !strings.Contains(got, listed) {
		t.Errorf("the progress says %q", got)
	}
	if out := download(t, ctx, downloads, `#export-run a.download[data-file="out"]`); !bytes.HasPrefix(out, []byte("PK")) {
		t.Errorf("the export is not a workbook")
	}
	// The history lists it.
	do(t, ctx, chromedp.Navigate(c.srv.URL+"/#history"))
	waitFor(t, ctx, "the history", `document.querySelector('#history').innerText.includes('导出 `+listed+` ')`)
}

func TestBrowserExtensionChecker(t *testing.T) {
	t.Parallel() // each has its own browser and console
	ctx, _ := newTab(t)
	c := newConsole(t)
	c.open(t, ctx, "extension")
	bad := "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=devices&cPara=asset_field_1:companyName,asset_field_2：field_9&filter=ownerType:company,owner:{{company.companyId}}"
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#ext-url"), bad), chromedp.Click(chromedp.CSS("#ext-go")))
	waitFor(t, ctx, "the problems", `document.querySelector('#ext-result .problem') !== null`)
	text := evalJS[string](t, ctx, `document.querySelector('#ext-result').innerText`)
	if !strings.Contains(text, "配置有错误") || !strings.Contains(text, "改法") || !strings.Contains(text, "cpara_target") || !strings.Contains(text, "full_width") {
		t.Errorf("the checker says:\n%s", text)
	}
	good := "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=devices&cPara=asset_field_1:field_9,_id:field_10&filter=ownerType:company,owner:{{company.companyId}}"
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#ext-url"), good), chromedp.Click(chromedp.CSS("#ext-go")))
	waitFor(t, ctx, "the verdict", `document.querySelector('#ext-result .verdict.ok') !== null`)
	if url := evalJS[string](t, ctx, `document.querySelector('#ext-result code.url').textContent`); !strings.Contains(url, "cPara=asset_field_1:field_9") {
		t.Errorf("canonical URL %q", url)
	}

	// Build one from its parameters.
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#ext-result').textContent = ""`),
		chromedp.Click(chromedp.CSS("#ext-build summary")),
		chromedp.SetValue(chromedp.CSS("#ext-table-name"), "contracts"),
		chromedp.SetValue(chromedp.CSS("#ext-cpara"), "asset_field_3:field_11"),
		chromedp.Click(chromedp.CSS("#ext-build-go")))
	waitFor(t, ctx, "the built URL", `document.querySelector('#ext-result code.url') !== null`)
	if url := evalJS[string](t, ctx, `document.querySelector('#ext-result code.url').textContent`); !strings.Contains(url, "tableName=contracts&cPara=asset_field_3:field_11") {
		t.Errorf("built URL %q", url)
	}
}

func TestBrowserWithoutTheTokenIsRefused(t *testing.T) {
	t.Parallel() // each has its own browser and console
	ctx, _ := newTab(t)
	c := newConsole(t)
	for _, addr := range []string{c.srv.URL + "/", c.srv.URL + "/?token=guess", c.srv.URL + "/api/runs"} {
		do(t, ctx, chromedp.Navigate(addr))
		body := evalJS[string](t, ctx, `document.body.innerText`)
		if !strings.Contains(body, "unauthorized") || strings.Contains(body, c.sandbox.URL) {
			t.Errorf("%s without the token shows:\n%s", addr, body)
		}
		if evalJS[bool](t, ctx, `document.querySelector('#upload-form') !== null`) {
			t.Errorf("%s without the token shows the console", addr)
		}
	}
	// A page of another origin cannot post to the console, even from the same browser
	// that holds the cookie: SameSite=Strict keeps the cookie home, and Origin is checked.
	c.open(t, ctx, "import")
	other := newConsole(t)
	do(t, ctx, chromedp.Navigate(other.srv.URL+"/?token="+testToken))
	status := evalJS[int](t, ctx, `(async () => (await fetch(`+"`"+c.srv.URL+"/api/exports`"+`, {method: "POST", credentials: "include", body: "{}"}).catch(() => ({status: 0}))).status)()`, chromedp.EvalAwaitPromise)
	if status == 202 || status == 200 {
		t.Errorf("a post from another origin started an export (%d)", status)
	}
	c.web.mu.Lock()
	n := len(c.web.runs)
	c.web.mu.Unlock()
	if n != 0 {
		t.Errorf("%d runs started from another origin", n)
	}
}

func TestBrowserRunGoesOnWhenThePageGoesAndStops(t *testing.T) {
	t.Parallel()
	ctx, _ := newTab(t)
	// The sandbox holds every create until the test lets them go: the run is in flight while
	// the page is away.
	gate := make(chan struct{})
	var release sync.Once
	hold := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				select {
				case <-gate:
				case <-r.Context().Done():
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	c := newConsoleOn(t, sandboxtest.NewServer(t, sandboxtest.WithConfig(func(cfg *sandbox.Config) {
		cfg.Middleware = append(cfg.Middleware, hold)
	})))
	// Registered after the sandbox's cleanup, so it runs first: a failed test lets the held
	// calls go before the sandbox waits for them.
	t.Cleanup(func() { release.Do(func() { close(gate) }) })
	companies := filepath.Join(t.TempDir(), samples.Companies)
	if err := os.WriteFile(companies, sample(t, samples.Companies), 0o600); err != nil {
		t.Fatal(err)
	}
	c.open(t, ctx, "import")
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{companies}),
		chromedp.SetValue(chromedp.CSS("#upload-mapping"), samples.Mapping),
		chromedp.Click(chromedp.CSS("#upload-go")))
	waitFor(t, ctx, "the grid", `document.querySelector('#grid-summary').className === 'ok'`)
	do(t, ctx, chromedp.Click(chromedp.CSS("#plan-go")))
	waitFor(t, ctx, "the plan", `document.querySelector('#plan-line').textContent.includes('新建 50')`)
	do(t, ctx, chromedp.Click(chromedp.CSS("#run-go")))
	waitFor(t, ctx, "the run", `document.querySelector('#import-run button.stop') !== null`)

	// The page goes away and comes back: it follows the run again.
	do(t, ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(c.srv.URL+"/#import"))
	waitFor(t, ctx, "the run again", `document.querySelector('#import-run button.stop') !== null`)

	do(t, ctx, chromedp.Click(chromedp.CSS("#import-run button.stop")))
	release.Do(func() { close(gate) }) // the writes in flight finish; the rest are not sent
	waitFor(t, ctx, "the stop", `document.querySelector('#import-run .result') !== null`)
	if got := evalJS[string](t, ctx, `document.querySelector('#import-run .result').textContent`); !strings.Contains(got, "已停止") {
		t.Errorf("the run says %q; want it stopped", got)
	}
	if n := countCompanies(t, c.client); n >= 50 {
		t.Errorf("%d companies after the stop: the run did not stop", n)
	}
}

func TestBrowserMappingBuilder(t *testing.T) {
	t.Parallel()
	ctx, downloads := newTab(t)
	c := newConsole(t)
	sheetPath := filepath.Join(t.TempDir(), "ours.csv")
	if err := os.WriteFile(sheetPath, []byte("公司名称,服务帐号,内部编号\n甲公司,jia_01,7\n乙公司,有 空格,8\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.open(t, ctx, "import")
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{sheetPath}),
		chromedp.SetValue(chromedp.CSS("#upload-mapping"), samples.Mapping),
		chromedp.Click(chromedp.CSS("#builder summary")),
		chromedp.Click(chromedp.CSS("#builder-go")))
	waitFor(t, ctx, "the suggestions", `document.querySelectorAll('#builder-table select').length === 3`)
	got := evalJS[[]string](t, ctx, `[...document.querySelectorAll('#builder-table select')].map(s => s.value)`)
	if strings.Join(got, ",") != "companyName,serviceaccount," {
		t.Errorf("suggested %q", got)
	}
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#builder-name"), "ours"), chromedp.Click(chromedp.CSS("#builder-save")))
	waitFor(t, ctx, "the saved mapping", `document.querySelector('#upload-mapping').value === 'ours.yaml'`)
	if y := download(t, ctx, downloads, "#builder-download"); !bytes.Contains(y, []byte(`header: "服务帐号"`)) {
		t.Errorf("the YAML downloaded:\n%s", y)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#upload-go")))
	waitFor(t, ctx, "the grid", `document.querySelectorAll('#grid tr.badrow').length === 1`)
	if msg := evalJS[string](t, ctx, `document.querySelector('#grid td.bad .msg').textContent`); !strings.Contains(msg, "有 空格") {
		t.Errorf("the base mapping's rule under the sheet's header says %q", msg)
	}
}

func TestBrowserGridOf5000RowsIsPaged(t *testing.T) {
	t.Parallel()
	ctx, _ := newTab(t)
	c := newConsole(t)
	big := filepath.Join(t.TempDir(), "big.xlsx")
	if err := os.WriteFile(big, workbook(t, 5000), 0o600); err != nil {
		t.Fatal(err)
	}
	c.open(t, ctx, "import")
	do(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{big}),
		chromedp.SetValue(chromedp.CSS("#upload-mapping"), samples.Mapping),
		chromedp.Click(chromedp.CSS("#upload-go")))
	waitFor(t, ctx, "the grid", `document.querySelectorAll('#grid tbody tr').length === 100`)
	if got := evalJS[string](t, ctx, `document.querySelector('#grid-page').textContent`); !strings.HasPrefix(got, "1 / 50") {
		t.Errorf("pager %q", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#grid-next")))
	waitFor(t, ctx, "page 2", `document.querySelector('#grid-page').textContent.startsWith('2 / 50')`)
	do(t, ctx, chromedp.Click(chromedp.CSS("#grid-next")))
	waitFor(t, ctx, "page 3", `document.querySelector('#grid-page').textContent.startsWith('3 / 50')`)
	// The 500 rows with problems fill the first five pages; the third is all red rows.
	if n := evalJS[int](t, ctx, `document.querySelectorAll('#grid tr.badrow').length`); n != 100 {
		t.Errorf("%d bad rows on page 3; want 100", n)
	}
}
