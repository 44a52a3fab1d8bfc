package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
)

// sandboxOptions are the flags of the sandbox command.
type sandboxOptions struct {
	listen        string
	db            string
	account       string
	password      string
	fixtures      string
	seedCompanies int
	seed          int64
	rate          float64
	latency       time.Duration
	allowRemote   bool
	faultSpec     string
	faultSeed     uint64
	faults        sandbox.Faults
	vendorShapes  bool
}

func newSandboxCmd(a *app) *cobra.Command {
	var o sandboxOptions
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a local, persistent copy of the Bangwo8 company API",
		Long: `sandbox serves the vendor's company API from a SQLite file, for tests, demos and
rehearsals. Its first line on stdout is "sandbox listening on http://HOST:PORT". It stops on
SIGINT or SIGTERM; the data stays in --db for the next start.`,
		Example: `  BANGWO8_PASSWORD=secret bangwo8-etl sandbox --db sandbox.db --account test --seed-companies 10000
  bangwo8-etl sandbox --listen 127.0.0.1:0 --db :memory: --account test --password secret --fixtures companies.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSandbox(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to serve on; loopback only unless --allow-remote (:0 picks a free loopback port)")
	f.StringVar(&o.db, "db", "", "SQLite file that keeps the companies (:memory: for a throwaway store)")
	f.StringVar(&o.account, "account", a.getenv("BANGWO8_ACCOUNT"), "the account clients must send (env BANGWO8_ACCOUNT)")
	f.StringVar(&o.password, "password", "", "the password clients must send, a local test credential (else env BANGWO8_PASSWORD)")
	f.StringVar(&o.fixtures, "fixtures", "", `JSON file {"companies": [...]} to load as given, read-only fields included`)
	f.IntVar(&o.seedCompanies, "seed-companies", 0, "make this many realistic companies, when the store is empty")
	f.Int64Var(&o.seed, "seed", 1, "seed of --seed-companies: the same seed makes the same companies")
	f.Float64Var(&o.rate, "rate", 0, "requests per second for all clients together, beyond which 429 (0: no limit)")
	f.DurationVar(&o.latency, "latency", 0, "delay added before every answer, e.g. 200ms")
	f.BoolVar(&o.allowRemote, "allow-remote", false, "allow a --listen address that is not loopback")
	f.StringVar(&o.faultSpec, "faults", "", "misbehave on purpose, per authenticated request: error500=P,ratelimit429=P,lost-response=P,reset=P,slow=P:DUR")
	f.BoolVar(&o.vendorShapes, "vendor-shapes", false, "answer as the vendor's examples read literally: string ids, no status or url, a search's count per page")
	f.Uint64Var(&o.faultSeed, "fault-seed", 1, "seed of --faults: the same seed and request order inject the same faults")
	return cmd
}

// check validates the options and fills the password from the environment.
func (o *sandboxOptions) check(a *app) error {
	if o.db == "" {
		return usageErrorf("--db is required (a SQLite file, or :memory: for a throwaway store)")
	}
	if o.account == "" {
		return usageErrorf("--account is required (or env BANGWO8_ACCOUNT)")
	}
	if o.password == "" {
		o.password = a.getenv("BANGWO8_PASSWORD")
	}
	if o.password == "" {
		return usageErrorf("no password: pass --password or set BANGWO8_PASSWORD")
	}
	if o.seedCompanies < 0 || o.rate < 0 || o.latency < 0 {
		return usageErrorf("--seed-companies, --rate and --latency must not be negative")
	}
	faults, err := sandbox.ParseFaults(o.faultSpec)
	if err != nil {
		return usageErrorf("--faults: %w", err)
	}
	faults.Seed = o.faultSeed
	o.faults = faults
	listen, err := loopbackListen(o.listen, o.allowRemote)
	if err != nil {
		return err
	}
	o.listen = listen
	return nil
}

// loopbackListen checks addr, turning an empty host (":0") into 127.0.0.1, and refuses a host
// that is not loopback unless remote is allowed: the sandbox's credentials are test ones.
func loopbackListen(addr string, allowRemote bool) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usageErrorf("--listen %q: want HOST:PORT: %v", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if !allowRemote && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", usageErrorf("--listen %q is not a loopback address; add --allow-remote to serve other machines", addr)
	}
	return net.JoinHostPort(host, port), nil
}

func runSandbox(ctx context.Context, a *app, o sandboxOptions) error {
	if err := o.check(a); err != nil {
		return err
	}
	log := a.logger()
	store, err := sandbox.OpenStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer store.Close()

	if o.seedCompanies > 0 {
		if err := seedIfEmpty(ctx, a, store, o); err != nil {
			return err
		}
	}
	if o.fixtures != "" {
		file, err := os.Open(o.fixtures)
		if err != nil {
			return usageErrorf("--fixtures: %v", err)
		}
		err = store.LoadFixtures(ctx, file)
		file.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", o.fixtures, err)
		}
	}
	n, err := store.Count(ctx, true)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	cfg := sandbox.Config{Account: o.account, Password: o.password, Rate: o.rate, Latency: o.latency, Logger: log, VendorShapes: o.vendorShapes}
	var faults *sandbox.FaultInjector
	if o.faults.Any() {
		faults = sandbox.NewFaultInjector(o.faults)
		cfg.Middleware = append(cfg.Middleware, faults.Middleware)
		log.Warn("sandbox injects faults", "faults", o.faults.String(), "fault_seed", o.faults.Seed)
	}
	url := "http://" + ln.Addr().String()
	// The first line of stdout, which scripts and tests read to find the port.
	fmt.Fprintf(a.streams.Out, "sandbox listening on %s\n", url)
	log.Info("sandbox serving", "url", url, "db", o.db, "account", o.account, "companies", n,
		"rate", o.rate, "latency", o.latency, "vendor_shapes", o.vendorShapes)

	// Serve returns once ctx (SIGINT or SIGTERM) has stopped it.
	err = sandbox.Serve(ctx, ln, store, cfg)
	if faults != nil {
		c := faults.Counts()
		log.Info("sandbox faults injected", "requests", c.Requests, "error500", c.Error500,
			"ratelimit429", c.RateLimit429, "lost_response", c.LostResponse, "reset", c.Reset, "slow", c.Slow)
	}
	if err != nil {
		return err
	}
	log.Info("sandbox stopped")
	return store.Close()
}

// seedIfEmpty seeds --seed-companies companies into an empty store and says so either way.
func seedIfEmpty(ctx context.Context, a *app, store *sandbox.Store, o sandboxOptions) error {
	log := a.logger()
	have, err := store.Count(ctx, true)
	if err != nil {
		return err
	}
	if have > 0 {
		log.Info("store already holds companies; not seeding", "companies", have, "db", o.db)
		return nil
	}
	start := time.Now()
	if err := store.Seed(ctx, o.seedCompanies, o.seed); err != nil {
		return err
	}
	log.Info("seeded companies", "companies", o.seedCompanies, "seed", o.seed, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
