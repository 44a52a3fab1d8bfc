package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The length check: excelize decodes a whole cell, and a whole shared string, before it
// yields it, so one cell of 600 MB in a workbook of 600 KB took gigabytes. Before excelize
// reads a workbook, its shared strings and every sheet are read here as a stream of bytes,
// holding no more than a tag, and a cell longer than Excel holds (MaxCellChars) is refused
// with its place. No legitimate workbook has one: Excel cannot write it.

// maxTag bounds a tag (its attributes), a comment, and any text outside the cells' values
// (a formula, a header or footer): what excelize's XML decoder would hold at once.
const maxTag = 64 << 10

// scanError is a part the scan refuses: a tag, comment or text longer than maxTag.
type scanError struct{ msg string }

func (e *scanError) Error() string { return e.msg }

func scanErrorf(format string, args ...any) error {
	return &scanError{msg: fmt.Sprintf(format, args...)}
}

// maxValue is the most bytes of an item's value kept: enough for a shared string's index.
const maxValue = 32

// errTooLong stops a scan at the first item over the limit.
var errTooLong = errors.New("too long")

// item is one shared string (<si>) or one cell (<c>) as the scan saw it: its start tag, the
// characters of its text (<t> and <v>, phonetic guides left out) up to the first past the
// limit, and the first bytes of its value (a shared string's index).
type item struct {
	tag   []byte
	chars int
	value []byte
}

// attr returns the value of attribute name in the start tag ("" if absent).
func (it *item) attr(name string) string {
	tag := it.tag
	for {
		i := bytes.Index(tag, []byte(" "+name+"="))
		if i < 0 {
			return ""
		}
		rest := tag[i+len(name)+2:]
		if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
			if j := bytes.IndexByte(rest[1:], rest[0]); j >= 0 {
				return string(rest[1 : j+1])
			}
		}
		tag = rest
	}
}

// partScan reads one XML part byte by byte and calls visit for every element named name
// (si or c) when it ends, or as soon as its text passes MaxCellChars (chars is then
// MaxCellChars+1 and the scan stops after visit).
type partScan struct {
	name  string
	visit func(it *item) error

	state    scanState
	tag      []byte  // the tag being read, without its <
	quote    byte    // the quote of the attribute value being read, 0 outside one
	tail     [2]byte // the last bytes of a comment
	brackets int     // the ] not yet counted in a CDATA section
	other    int     // characters of text outside the values, since the last tag
	inItem   bool
	inValue  bool // inside <t> or <v> of the item
	inPhon   bool // inside <rPh>, whose text is not the cell's
	cur      item
}

type scanState int

const (
	inText scanState = iota
	inEntity
	inTag
	inComment
	inCDATA
)

func scanPart(r io.Reader, name string, visit func(it *item) error) error {
	s := &partScan{name: name, visit: visit}
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if err := s.feed(buf[:n]); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (s *partScan) feed(b []byte) error {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch s.state {
		case inText:
			// The run of text up to the next tag, counted at once.
			j := bytes.IndexAny(b[i:], "<&")
			end := len(b)
			if j >= 0 {
				end = i + j
			}
			if err := s.text(b[i:end]); err != nil {
				return err
			}
			if j < 0 {
				return nil
			}
			i = end
			if b[i] == '&' {
				s.state = inEntity
				if err := s.count(1); err != nil {
					return err
				}
				continue
			}
			s.state, s.tag, s.quote = inTag, s.tag[:0], 0
		case inEntity:
			if c == ';' || c == '<' {
				s.state = inText
				if c == '<' {
					s.state, s.tag, s.quote = inTag, s.tag[:0], 0
				}
			}
		case inTag:
			if s.quote != 0 {
				if c == s.quote {
					s.quote = 0
				}
			} else if c == '"' || c == '\'' {
				s.quote = c
			} else if c == '>' {
				s.state = inText
				if err := s.endTag(); err != nil {
					return err
				}
				continue
			}
			s.tag = append(s.tag, c)
			if len(s.tag) > maxTag {
				return scanErrorf("a tag of more than %d bytes in %s: not what a spreadsheet program writes", maxTag, s.name)
			}
			switch {
			case len(s.tag) == 3 && string(s.tag) == "!--":
				s.state, s.other, s.tail = inComment, 0, [2]byte{}
			case len(s.tag) == 8 && string(s.tag) == "![CDATA[":
				s.state, s.brackets = inCDATA, 0
			}
		case inComment:
			if c == '>' && s.tail == [2]byte{'-', '-'} {
				s.state = inText
			} else if s.other++; s.other > maxTag {
				return scanErrorf("a comment of more than %d bytes in %s: not what a spreadsheet program writes", maxTag, s.name)
			}
			s.tail = [2]byte{s.tail[1], c}
		case inCDATA:
			// Brackets are counted once what follows them shows they do not end the section.
			n := 0
			switch {
			case c == ']':
				s.brackets++
			case c == '>' && s.brackets >= 2:
				s.state, n = inText, s.brackets-2
				s.brackets = 0
			default:
				n = s.brackets
				s.brackets = 0
				if c&0xC0 != 0x80 {
					n++
				}
			}
			if n > 0 {
				if err := s.count(n); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// text counts the characters of a run of text (UTF-8: every byte that does not continue a
// character starts one).
func (s *partScan) text(run []byte) error {
	if s.inItem && s.inValue && len(s.cur.value) < maxValue {
		s.cur.value = append(s.cur.value, run[:min(len(run), maxValue-len(s.cur.value))]...)
	}
	n := len(run)
	for _, c := range run {
		if c&0xC0 == 0x80 {
			n--
		}
	}
	return s.count(n)
}

// count adds n characters to the item's value, or to the text outside values.
func (s *partScan) count(n int) error {
	if s.inItem && s.inValue && !s.inPhon {
		s.cur.chars += n
		if s.cur.chars > MaxCellChars {
			s.cur.chars = MaxCellChars + 1
			if err := s.visit(&s.cur); err != nil {
				return err
			}
			return errTooLong
		}
		return nil
	}
	if s.other += n; s.other > maxTag {
		return scanErrorf("text of more than %d characters outside the cells' values in %s: not what a spreadsheet program writes", maxTag, s.name)
	}
	return nil
}

// endTag takes the tag just read (s.tag, without < and >).
func (s *partScan) endTag() error {
	s.other = 0
	tag := s.tag
	if len(tag) == 0 || tag[0] == '?' || tag[0] == '!' {
		return nil
	}
	closing := tag[0] == '/'
	selfClosing := tag[len(tag)-1] == '/'
	name := tag
	if closing {
		name = name[1:]
	}
	if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch local := string(name); {
	case local == s.name:
		switch {
		case closing:
			s.inItem = false
			return s.visit(&s.cur)
		case selfClosing:
			s.cur = item{tag: append(s.cur.tag[:0], tag...)}
			return s.visit(&s.cur)
		}
		s.inItem, s.inValue, s.inPhon = true, false, false
		s.cur = item{tag: append(s.cur.tag[:0], tag...), value: s.cur.value[:0]}
	case !s.inItem:
	case local == "rPh":
		s.inPhon = !closing && !selfClosing
	case local == "t" || local == "v":
		s.inValue = !closing && !selfClosing
	}
	return nil
}

// checkCellLengths reads the shared strings and every sheet of the workbook z as streams and
// refuses the first cell longer than MaxCellChars, naming its sheet and cell (the sheet and
// cell that use a shared string too long). file names the workbook in the error.
func checkCellLengths(file string, z *zip.Reader) error {
	long := -1 // the index of the first shared string over the limit
	if f := zipEntry(z, "xl/sharedStrings.xml"); f != nil {
		n := 0
		err := scanZipPart(f, "si", func(it *item) error {
			if it.chars > MaxCellChars {
				long = n
			}
			n++
			return nil
		})
		var se *scanError
		if errors.As(err, &se) {
			return &InputError{File: file, Err: err}
		}
	}
	names := sheetNames(z)
	for _, f := range z.File {
		part := strings.TrimPrefix(f.Name, "/")
		lower := strings.ToLower(part)
		if _, named := names[part]; !named && (!strings.HasPrefix(lower, "xl/worksheets/") || !strings.HasSuffix(lower, ".xml")) {
			continue
		}
		sheet := names[part]
		if sheet == "" {
			sheet = part
		}
		var bad *item
		err := scanZipPart(f, "c", func(it *item) error {
			if it.chars > MaxCellChars || long >= 0 && it.attr("t") == "s" && string(bytes.TrimSpace(it.value)) == strconv.Itoa(long) {
				bad = &item{tag: bytes.Clone(it.tag), chars: it.chars}
				return errTooLong
			}
			return nil
		})
		if bad != nil {
			ref := bad.attr("r")
			_, row, _ := excelize.CellNameToCoordinates(ref)
			return &InputError{File: file, Sheet: sheet, Row: row, Err: fmt.Errorf(
				"cell %s holds more than %d characters, the most a cell of Excel holds: a spreadsheet program did not write it; refused before reading it", ref, MaxCellChars)}
		}
		if err != nil && !errors.Is(err, errTooLong) && !errors.As(err, new(*scanError)) {
			// A part that cannot be unpacked: the reading of the rows stops there, and
			// checkSheetXML says at which row. Nothing was held.
			continue
		}
		if err != nil {
			return &InputError{File: file, Sheet: sheet, Err: err}
		}
	}
	if long >= 0 {
		return &InputError{File: file, Err: fmt.Errorf(
			"shared string %d holds more than %d characters, the most a cell of Excel holds (no cell uses it): a spreadsheet program did not write it; refused before reading it", long, MaxCellChars)}
	}
	return nil
}

// scanZipPart runs scanPart over one entry of the zip. The value of the items is kept up to
// a few bytes: only a shared string's index is ever compared.
func scanZipPart(f *zip.File, name string, visit func(it *item) error) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	return scanPart(r, name, visit)
}

// zipEntry finds the entry named name, in any case, with or without a leading slash.
func zipEntry(z *zip.Reader, name string) *zip.File {
	for _, f := range z.File {
		if strings.EqualFold(strings.TrimPrefix(f.Name, "/"), name) {
			return f
		}
	}
	return nil
}

// sheetNames maps the zip path of each sheet's XML to the sheet's name; empty when the
// workbook does not say (the path then names the sheet).
func sheetNames(z *zip.Reader) map[string]string {
	names, err := sheetParts(z)
	if err != nil {
		return map[string]string{}
	}
	return names
}
