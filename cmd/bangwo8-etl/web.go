package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/web"
)

type webFlags struct {
	api         apiFlags
	listen      string
	allowRemote bool
	sandbox     bool
	dir         string
}

const defaultListen = "127.0.0.1:8765"

func newWebCmd(a *app) *cobra.Command {
	var f webFlags
	cmd := &cobra.Command{
		Use:   "web [--listen 127.0.0.1:8765] [--sandbox] [--dir DIR]",
		Short: "A console in the browser: upload a sheet, fix the red cells, see the plan, run, undo; export; template; extension check",
		Long: `web serves the console on this machine and prints its address, which carries a random
token: open it in a browser (the token is exchanged for a cookie; a request without it is
refused). It listens on loopback only; another address is refused unless --allow-remote.

The console writes with the account of the API flags, as import and export do: the password
comes from BANGWO8_PASSWORD or --password-file and stays in this process. --sandbox starts
the built-in sandbox instead, seeded with the sample companies as demo does, so anyone can
try everything without an account. Uploads, reports, journals and exports go under --dir
(default: a new directory under the system's temporary directory). Ctrl-C stops the console;
a run in flight ends as it would on the command line (the writes in flight finish, the
report is written).`,
		Example: `  bangwo8-etl web --sandbox
  BANGWO8_ACCOUNT=me BANGWO8_PASSWORD=... bangwo8-etl web --rps 5`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWeb(cmd.Context(), a, &f)
		},
	}
	f.api.register(cmd, a)
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", defaultListen, "address to listen on (loopback only unless --allow-remote)")
	fl.BoolVar(&f.allowRemote, "allow-remote", false, "allow a --listen address that is not loopback (anyone who has the token's address can then write with the account)")
	fl.BoolVar(&f.sandbox, "sandbox", false, "start the built-in sandbox, seeded with the sample companies, and write to it")
	fl.StringVar(&f.dir, "dir", "", "directory for uploads, reports, journals and exports (default: a new temporary directory)")
	return cmd
}

func runWeb(ctx context.Context, a *app, f *webFlags) error {
	l, err := a.language()
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(f.listen)
	if err != nil {
		return usageErrorf("--listen %q: %w", f.listen, err)
	}
	if !f.allowRemote && !isLoopback(host) {
		return usageErrorf(l.Pick("--listen %s 不是本机回环地址：别人可以用你的账号写入；确实需要请加 --allow-remote",
			"--listen %s is not a loopback address: others could write with your account; add --allow-remote if you mean it"), f.listen)
	}
	dir := f.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "bangwo8-etl-web-"); err != nil {
			return fmt.Errorf("web: %w", err)
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return fmt.Errorf("web: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return usageErrorf("--dir: %w", err)
	}
	cfg := web.Config{Dir: dir, Token: rand.Text(), AllowRemote: f.allowRemote, Lang: l, Logger: a.logger(),
		RPS: f.api.rps, Concurrency: f.api.concurrency, Retries: f.api.retries}
	if f.sandbox {
		stop, err := startWebSandbox(ctx, a, &f.api, &cfg, dir)
		if err != nil {
			return err
		}
		defer stop()
	} else {
		client, pacer, err := f.api.client(a)
		if err != nil {
			return err
		}
		cfg.Client, cfg.Pacer, cfg.Server, cfg.Account = client, pacer, f.api.baseURL, f.api.account
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return usageErrorf("--listen %s: %w", f.listen, err)
	}
	console, err := web.New(cfg)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: console, ReadHeaderTimeout: 10 * time.Second}
	out := a.streams.Out
	fmt.Fprintf(out, l.Pick("控制台：http://%s/?token=%s\n", "console: http://%s/?token=%s\n"), ln.Addr(), cfg.Token)
	fmt.Fprintf(out, l.Pick("写入：%s，账号 %s%s\n文件：%s\n按 Ctrl-C 停止。\n", "writes to: %s, account %s%s\nfiles: %s\nCtrl-C stops it.\n"),
		cfg.Server, cfg.Account, sandboxWords(l, f.sandbox), dir)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		console.Close()
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	// The runs end first (their writes in flight finish), then the pages' streams.
	console.Close()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}

func sandboxWords(l lang.Lang, sandbox bool) string {
	if !sandbox {
		return ""
	}
	return l.Pick("（内置沙盒）", " (the built-in sandbox)")
}

// startWebSandbox starts the sandbox of demo in dir, seeds it with the sample companies (as
// demo's first step does) and points cfg at it.
func startWebSandbox(ctx context.Context, a *app, f *apiFlags, cfg *web.Config, dir string) (stop func() error, err error) {
	d := &demo{dir: dir}
	for _, name := range []string{demoDB, demoDB + "-wal", demoDB + "-shm"} {
		if err := os.Remove(d.path(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("web sandbox: %w", err)
		}
	}
	url, stop, err := d.startSandbox(ctx)
	if err != nil {
		return nil, err
	}
	seed := func() error {
		paths, err := samples.Extract(filepath.Join(dir, "samples"), samples.Companies, samples.Mapping)
		if err != nil {
			return err
		}
		m, err := mapping.Load(paths[1])
		if err != nil {
			return fmt.Errorf("web sandbox: %w", err)
		}
		if _, err := importer.Import(ctx, d.client, paths[0], m, importer.Options{}); err != nil {
			return fmt.Errorf("web sandbox seed: %w", err)
		}
		return nil
	}
	// The seed goes as fast as the sandbox answers; the console's own client is paced as the
	// command line's (--rps, --burst), so that its time estimates and progress are a real run's.
	if err := seed(); err != nil {
		return nil, errors.Join(err, stop())
	}
	pc := a.settings.pacer
	pc.RPS, pc.Burst = f.rps, f.burst
	pacer := ratelimit.New(pc)
	client, err := bangwo8.NewClient(url, bangwo8.WithBasicAuth(d.account, d.password), bangwo8.WithPacer(pacer),
		bangwo8.WithMaxRetries(f.retries), bangwo8.WithLogger(a.logger()))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("web sandbox: %w", err), stop())
	}
	cfg.Client, cfg.Pacer, cfg.Server, cfg.Account, cfg.Sandbox = client, pacer, url, d.account, true
	a.logger().Info("sandbox started", "url", url, "db", d.path(demoDB))
	return stop, nil
}
