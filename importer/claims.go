package importer

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
)

// claims are the companies the rows of a run hold, so that no company is taken by two rows.
//
// A row without a key whose create lost its answer looks for its company by name and values
// (findCreated); when rows repeat (twins, the mapping allowing duplicates), each twin's
// company answers that lookup. The row then takes a company no other row holds: not one an
// earlier run's journal gave a row, not one this run created or updated for another row.
// Rows looked up by the same name take turns to create (turn): a twin's create still in
// flight, its company not yet held, is never taken for this row's.
type claims struct {
	mu    sync.Mutex
	held  map[int64]bool
	turns map[string]*turn
}

type turn struct {
	ch   chan struct{} // holds a token while a row has the turn
	refs int
}

func newClaims() *claims {
	return &claims{held: map[int64]bool{}, turns: map[string]*turn{}}
}

// hold records that a row holds company uid.
func (c *claims) hold(uid int64) {
	if uid == 0 {
		return
	}
	c.mu.Lock()
	c.held[uid] = true
	c.mu.Unlock()
}

// take holds and returns the newest of candidates that no row holds (the newest: a company
// this row's create made is later than any that was there before); nil when every one is held.
func (c *claims) take(candidates []*bangwo8.Company) *bangwo8.Company {
	c.mu.Lock()
	defer c.mu.Unlock()
	candidates = slices.Clone(candidates)
	slices.SortFunc(candidates, func(a, b *bangwo8.Company) int { return cmp.Compare(b.UID, a.UID) })
	for _, co := range candidates {
		if !c.held[co.UID] {
			c.held[co.UID] = true
			return co
		}
	}
	return nil
}

// turn waits until no other row looked up by name is creating, and returns the function that
// ends this row's turn. The error is ctx's when it ends first.
func (c *claims) turn(ctx context.Context, name string) (func(), error) {
	c.mu.Lock()
	t := c.turns[name]
	if t == nil {
		t = &turn{ch: make(chan struct{}, 1)}
		c.turns[name] = t
	}
	t.refs++
	c.mu.Unlock()
	leave := func() {
		c.mu.Lock()
		if t.refs--; t.refs == 0 {
			delete(c.turns, name)
		}
		c.mu.Unlock()
	}
	select {
	case t.ch <- struct{}{}:
		return func() { <-t.ch; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}
