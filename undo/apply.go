package undo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// Apply writes the plan: one update per company that needs one (the old values of the fields
// to restore, or status 2 for a company to delete), at most opts.Concurrency at once. A
// company whose update fails is Failed, with the reason, and the others go on; a wrong
// password or an unknown host (bangwo8.IsConfigError) stops the undo, and so does ctx: the
// companies not written are NotDone. The error is nil unless the undo could not finish; the
// plan then says how far it got, and the same undo run again finishes it.
func (p *Plan) Apply(ctx context.Context, api API, opts Options) error {
	start := time.Now()
	p.Applied = true
	total := p.Writes()
	var written atomic.Int64
	// Each company is written by one goroutine at most, which alone sets its State and Err.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(opts.Concurrency, 1))
	for _, c := range p.Companies {
		if !c.writes() {
			continue
		}
		if gctx.Err() != nil {
			c.State = NotDone
			continue
		}
		in, err := c.input()
		if err != nil { // a value the journal holds that the API cannot take back
			c.State, c.Err = Failed, err.Error()
			continue
		}
		g.Go(func() error {
			if gctx.Err() != nil { // stopped while this one waited for its turn
				c.State = NotDone
				return nil
			}
			_, _, err := api.UpdateCompany(gctx, c.UID, in)
			opts.progress(PhaseWrite, int(written.Add(1)), total, start)
			switch {
			case err == nil:
				return nil
			case gctx.Err() != nil && !bangwo8.IsConfigError(err):
				c.State = NotDone // cut off: the next undo sees whether it took
				return nil
			}
			c.State, c.Err = Failed, err.Error()
			if bangwo8.IsConfigError(err) { // a wrong password, an unknown host: no company can succeed
				return fmt.Errorf("company %d: %w", c.UID, err)
			}
			return nil
		})
	}
	err := g.Wait()
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("stopped: %w", ctx.Err())
	}
	return err
}

// input is the body of c's update: status 2 for a company to delete, else the old values of
// the fields to restore.
func (c *Company) input() (bangwo8.CompanyInput, error) {
	var in bangwo8.CompanyInput
	if c.State == Delete {
		in.Status = bangwo8.Ptr(bangwo8.StatusDeleted)
		return in, nil
	}
	var errs []error
	for _, f := range c.Fields {
		if f.State != Restore {
			continue
		}
		if key, ok := strings.CutPrefix(f.Field, "custom."); ok {
			in.CustomFields = append(in.CustomFields, bangwo8.CustomField{Key: key, Value: f.Old})
			continue
		}
		if err := in.Set(field.Key(f.Field), f.Old.String()); err != nil {
			errs = append(errs, err)
		}
	}
	return in, errors.Join(errs...)
}
