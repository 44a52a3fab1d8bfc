package sheet

import (
	"bufio"
	"fmt"
	"io"
	"unicode/utf8"
)

// checkOneEncoding reads a file that is not UTF-8 throughout (so taken for GBK) line by line,
// and refuses it when some line is clearly UTF-8 (two or more valid multi-byte characters)
// while another is not: rows appended by another tool, which decoding as GBK would turn into
// garbage without a word. A GBK line is almost never valid UTF-8 with Chinese in it.
func checkOneEncoding(r io.Reader) (line int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	utf8Line, otherLine := 0, 0
	for line = 1; ; line++ {
		text, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A long line is judged by its first 64 KiB, without a character cut at the end.
			for cut := 1; cut < utf8.UTFMax && cut < len(text); cut++ {
				if utf8.RuneStart(text[len(text)-cut]) {
					if !utf8.FullRune(text[len(text)-cut:]) {
						text = text[:len(text)-cut]
					}
					break
				}
			}
		}
		switch {
		case len(text) == 0:
		case !utf8.Valid(text):
			if otherLine == 0 {
				otherLine = line
			}
		case multiByteRunes(text) >= 2:
			if utf8Line == 0 {
				utf8Line = line
			}
		}
		if utf8Line > 0 && otherLine > 0 {
			return max(utf8Line, otherLine), fmt.Errorf("line %d is UTF-8 but line %d is not (GBK?): the file mixes encodings; save it again as \"CSV UTF-8\"", utf8Line, otherLine)
		}
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
		if err == io.EOF {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

func multiByteRunes(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r != utf8.RuneError && size > 1 {
			n++
		}
		b = b[size:]
	}
	return n
}
