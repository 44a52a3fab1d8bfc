package exporter

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

const utf8BOM = "\xEF\xBB\xBF"

// csvSink writes RFC 4180 CSV. In GBK each record is formatted into a buffer first, so that an
// encoding failure can name the row and the cell instead of a byte offset; UTF-8 records go
// straight to the file's buffer.
type csvSink struct {
	out    *bufio.Writer
	buf    bytes.Buffer
	w      *csv.Writer
	enc    Encoding
	gbk    *encoding.Encoder
	record []string
	rows   int // records written, header included
}

func newCSVSink(w io.Writer, enc Encoding) *csvSink {
	s := &csvSink{out: bufio.NewWriterSize(w, 256<<10), enc: enc}
	if enc == EncodingGBK {
		s.gbk = simplifiedchinese.GBK.NewEncoder()
		s.w = csv.NewWriter(&s.buf)
	} else {
		s.w = csv.NewWriter(s.out)
	}
	return s
}

func (s *csvSink) header(headers []string) error {
	if s.enc == EncodingUTF8BOM {
		if _, err := s.out.WriteString(utf8BOM); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	return s.write(headers)
}

func (s *csvSink) row(cells []mapping.Cell) error {
	s.record = s.record[:0]
	for _, c := range cells {
		s.record = append(s.record, c.Text)
	}
	return s.write(s.record)
}

func (s *csvSink) write(record []string) error {
	s.rows++
	if s.gbk == nil {
		if err := s.w.Write(record); err != nil {
			return fmt.Errorf("write csv row %d: %w", s.rows, err)
		}
		return nil
	}
	s.buf.Reset()
	if err := s.w.Write(record); err != nil {
		return fmt.Errorf("write csv row %d: %w", s.rows, err)
	}
	s.w.Flush()
	b, err := s.gbk.Bytes(s.buf.Bytes())
	if err != nil {
		return s.gbkError(record)
	}
	if _, err := s.out.Write(b); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// gbkError names the first cell of record that GBK cannot hold.
func (s *csvSink) gbkError(record []string) error {
	for i, v := range record {
		for _, r := range v {
			if _, err := s.gbk.String(string(r)); err != nil {
				return fmt.Errorf("csv row %d column %s: %q has the character %q, which GBK cannot encode; use --encoding utf8-bom",
					s.rows, mapping.ColumnLetter(i), v, r)
			}
		}
	}
	return fmt.Errorf("csv row %d: GBK cannot encode it; use --encoding utf8-bom", s.rows)
}

func (s *csvSink) finish() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := s.out.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func (s *csvSink) abort()      {}
func (s *csvSink) sheets() int { return 0 }
