package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Encoding is the text encoding of a CSV file, as detected.
type Encoding string

const (
	EncodingUTF8BOM Encoding = "utf-8-bom"
	EncodingUTF8    Encoding = "utf-8"
	// EncodingGBK is what Excel and WPS on a Chinese Windows write as "CSV". It is decoded as
	// GB18030, its superset, so that no GBK file is refused.
	EncodingGBK Encoding = "gbk"
)

var bomUTF8 = []byte{0xEF, 0xBB, 0xBF}

// CSV reads a CSV file with encoding/csv: strict quoting, any number of fields per row.
type CSV struct {
	name     string
	file     io.Closer
	r        *csv.Reader
	encoding Encoding
}

// OpenCSV opens the CSV file at path, detecting its encoding (see detectEncoding).
func OpenCSV(path string) (*CSV, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &InputError{File: path, Err: err}
	}
	s, err := NewCSV(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.file = f
	return s, nil
}

// NewCSV reads CSV from r, named name in messages. r is read once to detect the encoding,
// then again from the start. Closing the source does not close r.
func NewCSV(name string, r io.ReadSeeker) (*CSV, error) {
	enc, err := detectEncoding(r)
	if err != nil {
		return nil, &InputError{File: name, Err: err}
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, &InputError{File: name, Err: err}
	}
	if enc == EncodingGBK {
		if line, err := checkOneEncoding(r); err != nil {
			return nil, &InputError{File: name, Line: line, Err: err}
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, &InputError{File: name, Err: err}
		}
	}
	var text io.Reader = bufio.NewReaderSize(r, 64<<10)
	switch enc {
	case EncodingUTF8BOM:
		if _, err := io.ReadFull(text, make([]byte, len(bomUTF8))); err != nil {
			return nil, &InputError{File: name, Err: err}
		}
	case EncodingGBK:
		text = transform.NewReader(text, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(&recordLimit{r: text, max: MaxRecordBytes, line: 1})
	cr.FieldsPerRecord = -1 // people leave trailing cells off; the mapping reads what is there
	cr.ReuseRecord = true
	cr.LazyQuotes = false
	return &CSV{name: name, r: cr, encoding: enc}, nil
}

// MaxRecordBytes bounds a CSV record (a row, its quoted line breaks included): encoding/csv
// holds a whole record, so one of 600 MB would take gigabytes. A row of Excel's 16,384
// columns of full cells is larger, but no sheet of companies is.
const MaxRecordBytes = 4 << 20

// recordLimit passes CSV text through, ending it with an error at the first record longer
// than max bytes: quotes are followed, so a line break inside a quoted cell does not end a
// record ("" inside quotes toggles twice).
type recordLimit struct {
	r      io.Reader
	max    int
	n      int  // bytes of the record so far
	quoted bool // inside a quoted cell
	line   int  // the line the record starts on
	at     int  // the line being read
}

func (l *recordLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		switch c {
		case '"':
			l.quoted = !l.quoted
		case '\n':
			l.at++
			if !l.quoted {
				l.n, l.line = 0, l.at+1
				continue
			}
		}
		if l.n++; l.n > l.max {
			return i, &recordTooLong{line: max(l.line, 1), max: l.max}
		}
	}
	return n, err
}

// recordTooLong is the error of a CSV record longer than MaxRecordBytes.
type recordTooLong struct{ line, max int }

func (e *recordTooLong) Error() string {
	return fmt.Sprintf("the row starting on line %d is longer than %d MiB (a cell holds at most %d characters): not a sheet of companies; refused before reading it whole", e.line, e.max>>20, MaxCellChars)
}

// detectEncoding reads r to its end and tells its encoding: a UTF-8 byte order mark, valid
// UTF-8 throughout, or else GBK. A UTF-16 file (Excel's "Unicode text") is refused with a
// clear error rather than read as garbage.
func detectEncoding(r io.Reader) (Encoding, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return "", err
	}
	if bytes.HasPrefix(head, bomUTF8) {
		return EncodingUTF8BOM, nil
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return "", errors.New("the file is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" instead")
	}
	buf := make([]byte, 64<<10)
	carry := 0 // bytes of a rune cut at the end of the previous chunk
	for {
		n, err := br.Read(buf[carry:])
		chunk := buf[:carry+n]
		if err == io.EOF {
			if utf8.Valid(chunk) {
				return EncodingUTF8, nil
			}
			return EncodingGBK, nil
		}
		if err != nil {
			return "", err
		}
		// Keep an incomplete rune at the end for the next chunk.
		end := len(chunk)
		for back := 1; back <= utf8.UTFMax && back <= len(chunk); back++ {
			if utf8.RuneStart(chunk[len(chunk)-back]) {
				if !utf8.FullRune(chunk[len(chunk)-back:]) {
					end = len(chunk) - back
				}
				break
			}
		}
		if !utf8.Valid(chunk[:end]) {
			return EncodingGBK, nil
		}
		carry = copy(buf, chunk[end:])
	}
}

// Next returns the next record; its row number is the line it starts on, which is the
// spreadsheet's row unless a quoted cell spans lines.
func (s *CSV) Next() (int, []string, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		var long *recordTooLong
		if errors.As(err, &long) {
			return 0, nil, &InputError{File: s.name, Line: long.line, Err: long}
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return 0, nil, &InputError{File: s.name, Line: pe.Line, Column: pe.Column, Err: pe.Err}
		}
		return 0, nil, &InputError{File: s.name, Err: fmt.Errorf("reading: %w", err)}
	}
	line, _ := s.r.FieldPos(0)
	return line, rec, nil
}

func (s *CSV) Sheet() string                  { return "" }
func (s *CSV) DateSystem() mapping.DateSystem { return mapping.Date1900 }

// Encoding is the detected encoding of the file.
func (s *CSV) Encoding() Encoding { return s.encoding }

func (s *CSV) Close() error {
	if s.file != nil {
		return s.file.Close()
	}
	return nil
}
