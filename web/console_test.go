package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

const testToken = "TESTTOKEN0123456789"

// console is a console on a sandbox, served on a loopback port for one test.
type console struct {
	t       testing.TB
	srv     *httptest.Server
	web     *Server
	sandbox *sandboxtest.Server
	client  *bangwo8.Client // the sandbox's, for checking what the console wrote
}

func newConsole(t testing.TB, edit ...func(*Config)) *console {
	t.Helper()
	return newConsoleOn(t, sandboxtest.NewServer(t), edit...)
}

// newConsoleOn is newConsole on a sandbox of the test's.
func newConsoleOn(t testing.TB, sb *sandboxtest.Server, edit ...func(*Config)) *console {
	t.Helper()
	client, err := bangwo8.NewClient(sb.URL, bangwo8.WithBasicAuth(sb.Account, sb.Password))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Client: client, Server: sb.URL, Account: sb.Account, Sandbox: true, Dir: t.TempDir(),
		Token: testToken, RPS: 100, Lang: lang.Chinese}
	for _, e := range edit {
		e(&cfg)
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(func() {
		srv.Close()
		w.Close()
	})
	return &console{t: t, srv: srv, web: w, sandbox: sb, client: client}
}

// browser is an HTTP client that visited the printed address: it holds the cookie and sends
// the console's Origin with what it posts, as the page does.
func (c *console) browser() *http.Client {
	c.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		c.t.Fatal(err)
	}
	hc := &http.Client{Jar: jar, Transport: originTransport{origin: c.srv.URL}}
	res, err := hc.Get(c.srv.URL + "/?token=" + testToken)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("the printed address: %s", res.Status)
	}
	return hc
}

type originTransport struct{ origin string }

func (o originTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		r = r.Clone(r.Context())
		r.Header.Set("Origin", o.origin)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// do sends a request and decodes a JSON answer into out (when not nil); it returns the status.
func (c *console) do(hc *http.Client, method, path string, body io.Reader, contentType string, out any) int {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	if res.StatusCode >= 300 {
		c.t.Logf("%s %s: %s: %s", method, path, res.Status, strings.TrimSpace(string(data)))
	}
	return res.StatusCode
}

func (c *console) postJSON(hc *http.Client, path string, v, out any) int {
	c.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(hc, http.MethodPost, path, bytes.NewReader(body), "application/json", out)
}

// upload posts a file as the import form does.
func (c *console) upload(hc *http.Client, name string, data []byte, mappingName string, out any) int {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(data)
	mw.WriteField("mapping", mappingName)
	mw.Close()
	return c.do(hc, http.MethodPost, "/api/imports", &b, mw.FormDataContentType(), out)
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := samples.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTokenIsExchangedForAStrictHttpOnlyCookie(t *testing.T) {
	c := newConsole(t)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(c.srv.URL + "/?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("the printed address answers %s to %q; want 303 to / (the token leaves the address bar)", res.Status, res.Header.Get("Location"))
	}
	cookies := res.Cookies()
	if len(cookies) != 1 || cookies[0].Name != CookieName || cookies[0].Value != testToken {
		t.Fatalf("cookies %v", cookies)
	}
	if ck := cookies[0]; !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/", ck)
	}
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q: the token could leak in a Referer", got)
	}

	res, err = hc.Get(c.srv.URL + "/?token=wrong" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) != 0 {
		t.Errorf("a wrong token: %s, cookies %v; want 401 and no cookie", res.Status, res.Cookies())
	}
}

func TestRequestsWithoutTheCookieAreRefused(t *testing.T) {
	c := newConsole(t)
	for _, path := range []string{"/", "/static/app.js", "/api/mappings", "/api/runs", "/api/template?mapping=mapping.yaml"} {
		for _, cookie := range []string{"", "wrong"} {
			req, _ := http.NewRequest(http.MethodGet, c.srv.URL+path, nil)
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: CookieName, Value: cookie})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET %s with cookie %q: %s; want 401", path, cookie, res.Status)
			}
			if bytes.Contains(body, []byte(c.sandbox.URL)) {
				t.Errorf("GET %s without the token shows the server", path)
			}
		}
	}
	for _, path := range []string{"/api/imports", "/api/exports", "/api/extension", "/api/mappings", "/api/runs/r1/stop", "/api/runs/r1/undo"} {
		req, _ := http.NewRequest(http.MethodPost, c.srv.URL+path, strings.NewReader("{}"))
		req.Header.Set("Origin", c.srv.URL)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without the cookie: %s; want 403", path, res.Status)
		}
	}
	hc := c.browser()
	if got := c.do(hc, http.MethodGet, "/api/mappings", nil, "", nil); got != http.StatusOK {
		t.Errorf("with the cookie: %d", got)
	}
}

func TestStateChangingRequestsCheckOrigin(t *testing.T) {
	c := newConsole(t)
	hc := c.browser()
	body := `{"url":"https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=devices&cPara=asset_field_1:field_9"}`
	for _, tc := range []struct {
		origin string
		want   int
	}{
		{"", http.StatusForbidden},
		{"http://evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{c.srv.URL, http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/api/extension", strings.NewReader(body))
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		res, err := (&http.Client{Jar: hc.Jar}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("POST with Origin %q: %s; want %d", tc.origin, res.Status, tc.want)
		}
	}
}

func TestHostThatIsNotLoopbackIsRefused(t *testing.T) {
	for _, allow := range []bool{false, true} {
		c := newConsole(t, func(cfg *Config) { cfg.AllowRemote = allow })
		req, _ := http.NewRequest(http.MethodGet, c.srv.URL+"/?token="+testToken, nil)
		req.Host = "rebound.example:8765" // DNS rebinding: another name resolving to loopback
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		want := http.StatusForbidden
		if allow {
			want = http.StatusSeeOther
		}
		if res.StatusCode != want {
			t.Errorf("allow remote %v: Host %s: %s; want %d", allow, req.Host, res.Status, want)
		}
	}
}

func TestUploadsAreLimited(t *testing.T) {
	c := newConsole(t, func(cfg *Config) { cfg.MaxUpload = 4 << 10 })
	hc := c.browser()
	if got := c.upload(hc, "big.csv", bytes.Repeat([]byte("公司名称,服务账号\n"), 2000), "mapping.yaml", nil); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a sheet over the limit: %d; want 413", got)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "big.yaml")
	fw.Write(bytes.Repeat([]byte("# padding\n"), MaxMappingUpload/10+10))
	mw.Close()
	if got := c.do(hc, http.MethodPost, "/api/mappings", &b, mw.FormDataContentType(), nil); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a mapping over the limit: %d; want 413", got)
	}
	if got := c.postJSON(hc, "/api/extension", map[string]string{"url": strings.Repeat("x", maxJSONBody)}, nil); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a JSON body over the limit: %d; want 413", got)
	}
}

func TestHostileSheetsAreRefusedAsOnTheCommandLine(t *testing.T) {
	c := newConsole(t)
	hc := c.browser()
	for name, data := range map[string][]byte{
		"not-a-zip.xlsx": []byte("this is not a workbook"),
		"empty.csv":      {},
		"header.csv":     []byte("名字,账号\n甲,a\n"), // the mapping's headers are not there
		"notes.txt":      []byte("公司名称\n"),
	} {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.WriteField("mapping", "mapping.yaml")
		mw.Close()
		res, err := hc.Post(c.srv.URL+"/api/imports", mw.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %s; want 400", name, res.Status)
		}
		if bytes.Contains(body, []byte(c.web.cfg.Dir)) {
			t.Errorf("%s: the answer shows the console's files: %s", name, body)
		}
	}
	// Nothing of the refused uploads is left behind.
	entries, _ := filepath.Glob(filepath.Join(c.web.cfg.Dir, "uploads", "*"))
	if len(entries) != 0 {
		t.Errorf("refused uploads left %v", entries)
	}
}

func TestPageShowsServerAndAccountInBothLanguages(t *testing.T) {
	c := newConsole(t)
	hc := c.browser()
	for _, tc := range []struct{ q, want string }{{"", "导入"}, {"?lang=en", "Import"}} {
		res, err := hc.Get(c.srv.URL + "/" + tc.q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{tc.want, c.sandbox.URL, c.sandbox.Account} {
			if !bytes.Contains(body, []byte(want)) {
				t.Errorf("page %q lacks %q", tc.q, want)
			}
		}
		if bytes.Contains(body, []byte(c.sandbox.Password)) {
			t.Errorf("page %q holds the password", tc.q)
		}
	}
	u, _ := url.Parse(c.srv.URL)
	if cookies := hc.Jar.Cookies(u); len(cookies) != 2 {
		t.Errorf("cookies after the switch: %v", cookies)
	}
}
