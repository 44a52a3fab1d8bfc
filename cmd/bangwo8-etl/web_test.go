package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestWebRefusesAnAddressOtherThanLoopback(t *testing.T) {
	for _, listen := range []string{"0.0.0.0:0", "192.0.2.1:8765", ":8765", "[::]:0", "nonsense"} {
		var out, errOut lockedBuffer
		code := runTest(context.Background(), []string{"web", "--sandbox", "--listen", listen, "--dir", t.TempDir()},
			&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
		if code != exitUsage {
			t.Errorf("--listen %s: exit %d; want %d\n%s", listen, code, exitUsage, errOut.String())
		}
		if strings.Contains(out.String(), "token=") {
			t.Errorf("--listen %s printed an address", listen)
		}
	}
	var errOut lockedBuffer
	runTest(context.Background(), []string{"web", "--sandbox", "--listen", "0.0.0.0:0"}, &IOStreams{In: strings.NewReader(""), Out: io.Discard, Err: &errOut}, envOf(nil))
	if !strings.Contains(errOut.String(), "--allow-remote") {
		t.Errorf("the refusal does not say how to allow it: %s", errOut.String())
	}
}

func TestWebNeedsThePasswordFromTheEnvironmentOrAFile(t *testing.T) {
	sb := sandboxtest.NewServer(t)
	var out, errOut lockedBuffer
	code := runTest(context.Background(), []string{"web", "--listen", "127.0.0.1:0", "--base-url", sb.URL, "--account", sb.Account},
		&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
	if code != exitUsage || !strings.Contains(errOut.String(), "BANGWO8_PASSWORD") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
	if err := runTest(context.Background(), []string{"web", "--password", "x"}, &IOStreams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}, envOf(nil)); err != exitUsage {
		t.Errorf("--password on the command line: exit %d; want %d (a password is never a flag)", err, exitUsage)
	}
}

// startWeb runs `bangwo8-etl web args...` until the test ends and returns the address it
// printed (with its token) and what it printed.
func startWeb(t *testing.T, env map[string]string, args ...string) (url string, out *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &lockedBuffer{}
	var errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- runTest(ctx, append([]string{"web", "--listen", "127.0.0.1:0", "--dir", t.TempDir()}, args...),
			&IOStreams{In: strings.NewReader(""), Out: out, Err: &errOut}, envOf(env))
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("web ended with exit %d after Ctrl-C\n%s", code, errOut.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("web did not stop within 10s of Ctrl-C")
		}
	})
	address := regexp.MustCompile(`http://127\.0\.0\.1:\d+/\?token=[A-Z0-9]+`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if u := address.FindString(out.String()); u != "" {
			return u, out
		}
		select {
		case code := <-done:
			t.Fatalf("web ended with exit %d\n%s\n%s", code, out.String(), errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("web printed no address:\n%s\n%s", out.String(), errOut.String())
	return "", nil
}

func TestWebSandboxServesTheConsoleSeededWithTheSamples(t *testing.T) {
	url, out := startWeb(t, nil, "--sandbox", "--rps", "1000")
	if !strings.Contains(out.String(), "demo") {
		t.Errorf("the console does not say which account it writes with:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	base := url[:strings.Index(url, "/?")]
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %s", res.Status)
	}
	res, err = hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "沙盒") || !strings.Contains(string(page), ">demo<") {
		t.Fatalf("the page: %s\n%s", res.Status, page)
	}
	// The sandbox holds the sample companies: an export of them through the console.
	req, _ := http.NewRequest(http.MethodPost, base+"/api/exports", strings.NewReader(`{"format":"csv"}`))
	req.Header.Set("Origin", base)
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("export: %s", res.Status)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := hc.Get(base + "/api/runs/r1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), `"finished":true`) {
			if !strings.Contains(string(body), "导出 45 家公司") { // 50 samples, 5 of them deleted
				t.Errorf("the sandbox was not seeded with the sample companies: %s", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the export did not finish: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWebWritesToTheAccountOfTheAPIFlags(t *testing.T) {
	sb := sandboxtest.NewServer(t, sandboxtest.WithSeed(5, 1))
	dir := t.TempDir()
	url, out := startWeb(t, map[string]string{"BANGWO8_PASSWORD": sb.Password}, "--base-url", sb.URL, "--account", sb.Account, "--dir", dir, "--rps", "1000")
	if !strings.Contains(out.String(), sb.URL) || strings.Contains(out.String(), sb.Password) {
		t.Errorf("the console's lines:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	res, err := (&http.Client{Jar: jar}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), `class="live"`) || strings.Contains(string(page), sb.Password) {
		t.Errorf("a real account's page is not marked live, or holds the password:\n%s", page)
	}

	// An import run from the console leaves its journal in the run's directory, which the
	// command line's undo takes.
	base := url[:strings.Index(url, "/?")]
	hc := &http.Client{Jar: jar}
	post := func(path, contentType string, body io.Reader) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, body)
		req.Header.Set("Origin", base)
		req.Header.Set("Content-Type", contentType)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 300 {
			t.Fatalf("POST %s: %s %s", path, res.Status, data)
		}
		return string(data)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "companies.csv")
	csv, _ := samples.FS.ReadFile(samples.CompaniesCSV)
	fw.Write(csv)
	mw.WriteField("mapping", samples.Mapping)
	mw.Close()
	upload := post("/api/imports", mw.FormDataContentType(), &form)
	id := regexp.MustCompile(`"id":"(u\d+)"`).FindStringSubmatch(upload)[1]
	started := post("/api/imports/"+id+"/run", "application/json", strings.NewReader(`{}`))
	run := regexp.MustCompile(`"id":"(r\d+)"`).FindStringSubmatch(started)[1]
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := hc.Get(base + "/api/runs/" + run)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), `"finished":true`) {
			if !strings.Contains(string(body), `"created":50`) {
				t.Fatalf("the console's import: %s", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import did not finish: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var undoOut, undoErr lockedBuffer
	code := runTest(context.Background(), []string{"undo", "--journal", filepath.Join(dir, "runs", run, "journal.jsonl"), "--yes",
		"--base-url", sb.URL, "--account", sb.Account, "--rps", "1000"}, &IOStreams{In: strings.NewReader(""), Out: &undoOut, Err: &undoErr},
		envOf(map[string]string{"BANGWO8_PASSWORD": sb.Password}))
	if code != exitOK {
		t.Fatalf("undo of the console's journal: exit %d\n%s\n%s", code, undoOut.String(), undoErr.String())
	}
}
