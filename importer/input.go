package importer

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"

	"github.com/bangwo8-etl/bangwo8-etl/sheet"
)

// ErrInputChanged is the error of a run whose input file changed while it ran: saved again,
// replaced, or written by another program.
var ErrInputChanged = errors.New("the input file changed during the run")

// The input cannot change under a run. Import reads the file more than once (it holds no row
// between the passes), so it makes sure every pass reads the same file:
//
//   - the file's SHA-256 is taken before the first pass and again before the first write: a
//     file saved or replaced while the rows were checked and the companies looked up stops
//     the run before anything is written;
//   - the first pass keeps a hash of each row's cells (8 bytes a row), and the writing pass
//     compares every row with it before planning it: a file changed while it is written stops
//     the run at the first row that differs, so that every row written is the row checked.

// inputGuard holds what the first pass read of the input.
type inputGuard struct {
	path   string
	size   int64
	digest string
	seed   maphash.Seed
	rows   []uint64 // the hash of each row's cells, in file order (blank rows left out)
}

// guardInput takes the digest of the file at path; the error of a file that cannot be read
// is the *sheet.InputError the reading would give.
func guardInput(path string) (*inputGuard, error) {
	// A device or a pipe (/dev/zero, a FIFO) cannot be read twice, and would be hashed forever.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, &sheet.InputError{File: path, Err: errors.New("not a regular file: import reads its input more than once")}
	}
	size, digest, err := FileDigest(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &sheet.InputError{File: path, Err: err}
	}
	return &inputGuard{path: path, size: size, digest: digest, seed: maphash.MakeSeed()}, nil
}

func (g *inputGuard) hash(row int, cells []string) uint64 {
	var h maphash.Hash
	h.SetSeed(g.seed)
	fmt.Fprintf(&h, "%d\x00", row)
	for _, c := range cells {
		h.WriteString(c)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// read records a row of the first pass.
func (g *inputGuard) read(row int, cells []string) {
	g.rows = append(g.rows, g.hash(row, cells))
}

// same checks the file against its digest before the first write.
func (g *inputGuard) same() error {
	size, digest, err := FileDigest(g.path)
	switch {
	case err != nil:
		return fmt.Errorf("%w: %s cannot be read again (%v); nothing was written", ErrInputChanged, g.path, err)
	case size != g.size || digest != g.digest:
		return fmt.Errorf("%w: %s was saved or replaced while its rows were checked and the companies looked up; "+
			"nothing was written. Run the same command again once the file is as it should be", ErrInputChanged, g.path)
	}
	return nil
}

// again checks the seq-th row (from 0) of the writing pass against the first pass's; written
// is how many writes were sent so far, for the message.
func (g *inputGuard) again(seq, row int, cells []string, written int) error {
	if seq < len(g.rows) && g.rows[seq] == g.hash(row, cells) {
		return nil
	}
	return fmt.Errorf("%w: row %d of %s is not what it was when the rows were checked; the run stopped there (%d writes were sent before it, each of a row as checked). "+
		"Run the same command again once the file is as it should be; with --journal the rows done are recognised", ErrInputChanged, row, g.path, written)
}

// ended checks that the writing pass read as many rows as the first.
func (g *inputGuard) ended(seq int) error {
	if seq == len(g.rows) {
		return nil
	}
	return fmt.Errorf("%w: %s has %d rows now, %d when the rows were checked; the run stopped at its end. "+
		"Run the same command again once the file is as it should be", ErrInputChanged, g.path, seq, len(g.rows))
}
