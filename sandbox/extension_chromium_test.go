package sandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/extension"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// chromiumPath is Debian's chromium; scripts/chromium-extension.sh installs it and runs this
// test. The default test run installs nothing and skips.
const chromiumPath = "/usr/bin/chromium"

// TestExtensionPageInChromium opens the extension page in headless Chromium: the HTML table
// shows the display columns of the rows the filter keeps, and a pick posted by the browser
// updates the company. The agent's browser is logged in on the real site; here a front adds
// the sandbox's Basic auth credentials to every request, as that session would.
func TestExtensionPageInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("headless Chromium test skipped: %s is absent (run scripts/chromium-extension.sh, which installs Debian's chromium)", chromiumPath)
	}
	ts := sandboxtest.NewServer(t, sandboxtest.WithFixtures([]byte(assetFixtures)))
	target, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	front := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // the page's links and form actions point back at the front
		r.Out.SetBasicAuth(ts.Account, ts.Password)
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("/test/autopick", autoPick)
	mux.Handle("/", front)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	q := url.Values{"tableName": {"devices"}, "cPara": {pageCPara}, "display": {"model,city"},
		"filter": {"ownerType:company,owner:{ {company.companyId} }"}, "companyId": {"1000001"}}
	page := srv.URL + extension.PagePath + "?" + q.Encode()
	dom := dumpDOM(t, page)
	var heads, ids []string
	for _, m := range thRE.FindAllStringSubmatch(dom, -1) {
		heads = append(heads, m[1]+"="+m[2])
	}
	for _, m := range trRE.FindAllStringSubmatch(dom, -1) {
		ids = append(ids, m[1])
	}
	if !slices.Equal(heads, []string{"model=型号", "city=城市"}) || !slices.Equal(ids, []string{"1"}) {
		t.Fatalf("headers %v rows %v\n%s", heads, ids, dom)
	}
	if !regexp.MustCompile(`<td data-key="model">X200 Pro</td><td data-key="city">北京</td>`).MatchString(dom) {
		t.Fatalf("cells:\n%s", dom)
	}

	// The browser submits the row's pick form (a helper page posts it on load).
	dom = dumpDOM(t, srv.URL+"/test/autopick?"+url.Values{"action": {extension.PagePath + "?" + q.Encode()}, "pick": {"1"}}.Encode())
	if !strings.Contains(dom, `<p id="confirm" data-uid="1000001" data-asset-id="1">`) ||
		!strings.Contains(dom, `<li data-key="company_model">company_model = X200 Pro</li>`) {
		t.Fatalf("the browser did not land on the confirmation:\n%s", dom)
	}
	// Chromium has exited, so the post was answered: the company holds the asset's values.
	got := customOf(t, ts, 1000001)
	if !maps.Equal(got, map[string]string{"company_note": "keep me", "company_model": "X200 Pro", "company_asset": "1"}) {
		t.Fatalf("the pick did not update the company: %v", got)
	}
}

var autoPickPage = template.Must(template.New("autopick").Parse(`<!DOCTYPE html>
<html><body><form method="post" action="{{.Action}}"><input type="hidden" name="pick" value="{{.Pick}}"></form>
<script>document.forms[0].submit()</script></body></html>`))

// autoPick is a page that posts a pick form to the extension page as soon as it loads: what
// the agent's click on 选择 does.
func autoPick(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = autoPickPage.Execute(w, map[string]string{"Action": r.URL.Query().Get("action"), "Pick": r.URL.Query().Get("pick")})
}

// dumpDOM runs headless Chromium on u and returns the DOM it dumps. The virtual time budget
// lets the page's script and the navigation it starts finish before the dump.
func dumpDOM(t *testing.T, u string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=5000", "--dump-dom", u)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, tail(errb.String(), 2000))
	}
	return out.String()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("...%s", s[len(s)-n:])
}
