package exporter

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// spool holds exported rows in a temporary file until the columns are known. A row is
// written with the columns known at that moment; columns are only ever appended, so an early
// row is a prefix of a late one and its missing cells are empty.
//
// Format of a row: uvarint cell count, then per cell a kind byte, a uvarint length and the
// text. Date cells carry their text only; the time is parsed back from it.
// maxSpoolCell bounds a cell read back, so a damaged spool cannot ask for a huge buffer.
const maxSpoolCell = 64 << 20

type spool struct {
	f    *os.File
	w    *bufio.Writer
	rows int
	tmp  []byte
}

// newSpool starts a spool beside the output file out.
func newSpool(out string) (*spool, error) {
	f, err := atomicfile.CreateScratch(out, "spool")
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

func (s *spool) write(cells []mapping.Cell) error {
	b := binary.AppendUvarint(s.tmp[:0], uint64(len(cells)))
	for _, c := range cells {
		b = append(b, byte(c.Kind))
		b = binary.AppendUvarint(b, uint64(len(c.Text)))
		b = append(b, c.Text...)
	}
	s.tmp = b
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.rows++
	return nil
}

// replay reads the rows back in order; each is handed to fn in a slice that fn must not keep.
func (s *spool) replay(fn func(cells []mapping.Cell) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 256<<10)
	var cells []mapping.Cell
	var text []byte
	for row := 1; ; row++ {
		n, err := binary.ReadUvarint(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("spool row %d: %w", row, err)
		}
		cells = cells[:0]
		for range n {
			kind, err := r.ReadByte()
			if err != nil {
				return fmt.Errorf("spool row %d: %w", row, noEOF(err))
			}
			l, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("spool row %d: %w", row, noEOF(err))
			}
			if l > maxSpoolCell {
				return fmt.Errorf("spool row %d: cell of %d bytes: the spool is damaged", row, l)
			}
			if uint64(cap(text)) < l {
				text = make([]byte, l)
			}
			text = text[:l]
			if _, err := io.ReadFull(r, text); err != nil {
				return fmt.Errorf("spool row %d: %w", row, noEOF(err))
			}
			cells = append(cells, decodeCell(mapping.CellKind(kind), string(text)))
		}
		if err := fn(cells); err != nil {
			return err
		}
	}
}

func decodeCell(kind mapping.CellKind, text string) mapping.Cell {
	c := mapping.Cell{Kind: kind, Text: text}
	layout := ""
	switch kind {
	case mapping.CellDate:
		layout = time.DateOnly
	case mapping.CellDateTime:
		layout = time.DateTime
	}
	if layout != "" {
		t, err := time.Parse(layout, text)
		if err != nil { // not ours to fail on: keep the text
			return mapping.Cell{Text: mapping.EscapeFormula(text)}
		}
		c.Time = t
	}
	return c
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// close removes the spool file.
func (s *spool) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}
