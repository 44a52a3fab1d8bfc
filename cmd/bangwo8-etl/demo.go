package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/exporter"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
)

// The files the demo leaves in its directory.
const (
	demoDB           = "sandbox.db"
	demoImportReport = "import-report.xlsx"
	demoExportXLSX   = "export.xlsx"
	demoExportCSV    = "export.csv"
	demoState        = "export-state.json"
	demoChanges      = "changes.xlsx"
	demoBrokenReport = "broken-report.xlsx"
)

func newDemoCmd(a *app) *cobra.Command {
	var dir string
	var vendorShapes bool
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--vendor-shapes]",
		Short: "Run the whole loop on a built-in sandbox: import, export, incremental export, error report",
		Long: `demo starts a sandbox of the Bangwo8 API inside the program, on a free loopback port,
with its data in DIR/sandbox.db, and then, with the sample files built into the program:
imports samples/companies.xlsx, exports every company to .xlsx and .csv, changes one company
and exports again incrementally (--state), and checks samples/broken.xlsx, writing an error
report that can be fixed in Excel. It prints what happened and where each file is. Nothing
else needs to run, and nothing leaves the machine.`,
		Example: `  bangwo8-etl demo
  bangwo8-etl demo --dir ./demo --lang en`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := a.language()
			if err != nil {
				return err
			}
			if dir == "" {
				if dir, err = os.MkdirTemp("", "bangwo8-etl-demo-"); err != nil {
					return fmt.Errorf("demo: %w", err)
				}
			}
			return runDemo(cmd.Context(), a, l, dir, vendorShapes)
		},
	}
	cmd.Flags().BoolVar(&vendorShapes, "vendor-shapes", false, "the sandbox answers as the vendor's examples read literally (see sandbox --vendor-shapes)")
	cmd.Flags().StringVar(&dir, "dir", "", "directory for the demo's files (default: a new directory under "+os.TempDir()+")")
	return cmd
}

// demo is one run of the demo: its directory, its sandbox client and what it tells.
type demo struct {
	dir          string
	vendorShapes bool // the sandbox's answers follow the vendor's examples
	client       *bangwo8.Client
	story        story
	// account and password are the sandbox's, made up for the run (the web console makes a
	// client of its own with them).
	account, password string
}

func (d *demo) path(name string) string { return filepath.Join(d.dir, name) }

func runDemo(ctx context.Context, a *app, l lang.Lang, dir string, vendorShapes bool) error {
	start := time.Now()
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d := &demo{dir: dir, vendorShapes: vendorShapes, story: story{w: a.streams.Out, l: l, dir: dir}}
	// A demo run starts afresh: the files of an earlier run in the same directory are replaced.
	for _, name := range []string{demoDB, demoDB + "-wal", demoDB + "-shm", demoState} {
		if err := os.Remove(d.path(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("demo: %w", err)
		}
	}
	paths, err := samples.Extract(dir, samples.Companies, samples.Broken, samples.Mapping)
	if err != nil {
		return err
	}
	companies, broken := paths[0], paths[1]
	m, err := mapping.Load(paths[2])
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.story.begin(dir)

	url, stop, err := d.startSandbox(ctx)
	if err != nil {
		return err
	}
	d.story.sandbox(url, d.path(demoDB))
	if err := errors.Join(d.walk(ctx, companies, broken, m), stop()); err != nil {
		return err
	}
	d.story.end(time.Since(start))
	return nil
}

// walk runs the demo's steps against its sandbox.
func (d *demo) walk(ctx context.Context, companies, broken string, m *mapping.Mapping) error {
	if err := d.importSamples(ctx, companies, m); err != nil {
		return err
	}
	if err := d.exportAll(ctx, m); err != nil {
		return err
	}
	if err := d.changeAndExport(ctx, m); err != nil {
		return err
	}
	return d.validateBroken(ctx, broken, m)
}

// startSandbox serves a sandbox stored in the demo's directory on a free loopback port. The
// password is made up for this run: the sandbox is reachable only from this machine and lives
// as long as the demo. stop stops the server and closes the store.
func (d *demo) startSandbox(ctx context.Context) (url string, stop func() error, err error) {
	store, err := sandbox.OpenStore(ctx, d.path(demoDB))
	if err != nil {
		return "", nil, fmt.Errorf("demo sandbox: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		return "", nil, fmt.Errorf("demo sandbox: %w", err)
	}
	url = "http://" + ln.Addr().String()
	const account = "demo"
	password := rand.Text()
	d.account, d.password = account, password
	if d.client, err = bangwo8.NewClient(url, bangwo8.WithBasicAuth(account, password)); err != nil {
		ln.Close()
		store.Close()
		return "", nil, fmt.Errorf("demo client: %w", err)
	}
	serveCtx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() {
		served <- sandbox.Serve(serveCtx, ln, store, sandbox.Config{Account: account, Password: password, VendorShapes: d.vendorShapes})
	}()
	return url, func() error {
		cancel()
		err := <-served
		if closeErr := store.Close(); closeErr != nil {
			err = errors.Join(err, fmt.Errorf("demo sandbox: %w", closeErr))
		}
		return err
	}, nil
}

func (d *demo) importSamples(ctx context.Context, input string, m *mapping.Mapping) error {
	sum, err := importer.Import(ctx, d.client, input, m, importer.Options{Report: d.path(demoImportReport)})
	if err != nil {
		return fmt.Errorf("demo import: %w", err)
	}
	d.story.imported(filepath.Base(input), sum, demoImportReport)
	return nil
}

func (d *demo) exportAll(ctx context.Context, m *mapping.Mapping) error {
	var sum *exporter.Summary
	for _, out := range []string{demoExportXLSX, demoExportCSV} {
		opts := exporter.Options{Out: d.path(out), Mapping: m}
		if out == demoExportXLSX {
			opts.StatePath = d.path(demoState) // the incremental export below starts from here
		}
		s, err := exporter.Run(ctx, d.client, opts)
		if err != nil {
			return fmt.Errorf("demo export: %w", err)
		}
		sum = s
	}
	d.story.exported(sum, demoExportXLSX, demoExportCSV, demoState)
	return nil
}

// changeAndExport changes one company, as someone at the service desk would, and exports
// incrementally: only that company is written.
func (d *demo) changeAndExport(ctx context.Context, m *mapping.Mapping) error {
	var first *bangwo8.Company
	for c, err := range d.client.AllCompanies(ctx, bangwo8.ListOptions{PerPage: 1}) {
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		first = &c
		break
	}
	if first == nil {
		return errors.New("demo: the sandbox has no company to change")
	}
	// updateDT counts seconds: a change in the second of the export would look like no change.
	if err := waitNextSecond(ctx); err != nil {
		return err
	}
	note := d.story.l.Pick("演示：续约成功，升级为战略客户", "demo: renewed, now a strategic customer")
	in := bangwo8.CompanyInput{ServeNote: &note, CustomFields: []bangwo8.CustomField{{Key: "field_2", Value: bangwo8.Text("战略")}}}
	if _, _, err := d.client.UpdateCompany(ctx, first.UID, in); err != nil {
		return fmt.Errorf("demo update: %w", err)
	}
	sum, err := exporter.Run(ctx, d.client, exporter.Options{Out: d.path(demoChanges), Mapping: m, StatePath: d.path(demoState)})
	if err != nil {
		return fmt.Errorf("demo incremental export: %w", err)
	}
	d.story.changed(first.CompanyName, sum, demoChanges)
	return nil
}

func (d *demo) validateBroken(ctx context.Context, input string, m *mapping.Mapping) error {
	sum, err := importer.Validate(ctx, input, m, importer.ValidateOptions{Report: d.path(demoBrokenReport)})
	if err != nil {
		return fmt.Errorf("demo validate: %w", err)
	}
	d.story.validated(filepath.Base(input), sum, demoBrokenReport)
	return nil
}

// waitNextSecond sleeps until the wall clock enters a new second.
func waitNextSecond(ctx context.Context) error {
	now := time.Now()
	t := time.NewTimer(now.Truncate(time.Second).Add(time.Second).Sub(now))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
