package bangwo8

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// A list page of 5000 companies is decoded record by record through Company.UnmarshalJSON. Going
// through json.Unmarshal for the record, then again for each field and each custom field, had
// encoding/json validate every byte four times over; exports were bound by that CPU. This file
// walks a record once instead: the bytes are validated once, then object members and array
// elements are found by skipping over values, and strings without escapes are taken as they are.

var errNotObject = errors.New("not a JSON object")

// members calls fn with each key and raw value of the JSON object b, which must be valid JSON.
func members(b []byte, fn func(key string, val []byte) error) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errNotObject
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for i < len(b) {
		end := skipValue(b, i) // the key, a string
		key, ok := knownKey(b[i:end])
		if !ok {
			var err error
			if key, err = unquote(b[i:end]); err != nil {
				return err
			}
		}
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // past ':'
		end = skipValue(b, i)
		if err := fn(key, b[i:end]); err != nil {
			return err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] == '}' {
			return nil
		}
		i = skipSpace(b, i+1) // past ','
	}
	return nil
}

// elements calls fn with each raw element of the JSON array b, which must be valid JSON.
func elements(b []byte, fn func(val []byte) error) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return errors.New("not a JSON array")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return nil
	}
	for i < len(b) {
		end := skipValue(b, i)
		if err := fn(b[i:end]); err != nil {
			return err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] == ']' {
			return nil
		}
		i = skipSpace(b, i+1)
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the valid JSON value that starts at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default: // a number, true, false or null: up to the next delimiter
		for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' &&
			b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		return i
	}
}

// skipString returns the index just past the string that starts at b[i] (a quote): the next
// quote that an odd run of backslashes does not escape.
func skipString(b []byte, i int) int {
	start := i + 1
	for i = start; ; {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		q := i + j
		escapes := 0
		for k := q - 1; k >= start && b[k] == '\\'; k-- {
			escapes++
		}
		if escapes%2 == 0 {
			return q + 1
		}
		i = q + 1
	}
}

// keys are the member names that decoding meets in every record (the documented fields, a
// custom field's "key" and "value"), so that finding one costs no allocation.
var keys = func() map[string]string {
	m := map[string]string{"key": "key", "value": "value", "companies": "companies", "results": "results"}
	for k := range slots {
		m[string(k)] = string(k)
	}
	return m
}()

// knownKey returns the member name in the JSON string b when it is one of keys, written
// without escapes.
func knownKey(b []byte) (string, bool) {
	if len(b) < 2 {
		return "", false
	}
	k, ok := keys[string(b[1:len(b)-1])] // no allocation for a lookup
	return k, ok
}

// unquote decodes a JSON string; one without escapes and in valid UTF-8 is taken as it is,
// anything else goes through encoding/json (which replaces invalid UTF-8 as it always did).
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		plain, ascii := true, true
		for _, c := range inner {
			if c == '\\' || c < 0x20 {
				plain = false
				break
			}
			if c >= utf8.RuneSelf {
				ascii = false
			}
		}
		if plain && (ascii || utf8.Valid(inner)) {
			return string(inner), nil
		}
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", err
	}
	return s, nil
}

// decodeCompany is Company.UnmarshalJSON over bytes that are valid JSON, into the zero
// Company out.
func decodeCompany(b []byte, out *Company) error {
	if string(trimSpaceBytes(b)) == "null" {
		return nil
	}
	// A key given twice counts once, with its last value, as with encoding/json: so an error in
	// a value that a later one replaces is forgotten. Of the fields left in error, the one that
	// comes first in the record is reported, so the same input always gives the same message.
	var failed []fieldError
	err := members(b, func(key string, val []byte) error {
		s, documented := slots[field.Key(key)]
		if !documented {
			if out.Extra == nil {
				out.Extra = make(map[string]json.RawMessage)
			}
			out.Extra[key] = append(json.RawMessage(nil), val...)
			return nil
		}
		err := s.decode(out, val)
		i := slices.IndexFunc(failed, func(f fieldError) bool { return f.key == key })
		switch {
		case err != nil && i < 0:
			failed = append(failed, fieldError{key, err})
		case err != nil:
			failed[i].err = err
		case i >= 0:
			failed = slices.Delete(failed, i, i+1)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("company field %s: %w", failed[0].key, failed[0].err)
	}
	return nil
}

// decodeCompanies reads a list of companies from valid JSON: an array, or null for none. A
// null element is a zero Company, as with encoding/json.
func decodeCompanies(b []byte) ([]Company, error) {
	b = trimSpaceBytes(b)
	if string(b) == "null" {
		return nil, nil
	}
	if len(b) == 0 || b[0] != '[' {
		return nil, fmt.Errorf("companies: not a JSON array: %.40s", b)
	}
	list := []Company{}
	err := elements(b, func(val []byte) error {
		list = append(list, Company{})
		if err := decodeCompany(val, &list[len(list)-1]); err != nil {
			return fmt.Errorf("company: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// fieldError is the error of one field's value.
type fieldError struct {
	key string
	err error
}

// decode reads the value of the slot's field from valid JSON into c.
func (s *slot) decode(c *Company, val []byte) error {
	switch {
	case s.kind == field.Custom:
		return unmarshalCustomFields(val, &c.CustomFields)
	case s.text != nil:
		v, err := scalarString(val)
		if s.kind == field.Date || s.kind == field.DateTime {
			v = normDate(v)
		}
		*s.text(c) = v
		return err
	}
	n, err := flexInt(val)
	s.setInt(c, n)
	return err
}

func trimSpaceBytes(b []byte) []byte {
	i := skipSpace(b, 0)
	j := len(b)
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t' || b[j-1] == '\n' || b[j-1] == '\r') {
		j--
	}
	return b[i:j]
}

// decodeFieldValue reads a custom field's value from valid JSON: a string, an array of
// scalars, a number, a boolean or null.
func decodeFieldValue(b []byte) (FieldValue, error) {
	b = trimSpaceBytes(b)
	if len(b) > 0 && b[0] == '[' {
		list := []string{}
		err := elements(b, func(val []byte) error {
			s, err := scalarString(val)
			if err != nil {
				return fmt.Errorf("custom field value element: %w", err)
			}
			list = append(list, s)
			return nil
		})
		if err != nil {
			return FieldValue{}, err
		}
		return FieldValue{list: list, isList: true}, nil
	}
	s, err := scalarString(b)
	if err != nil {
		return FieldValue{}, fmt.Errorf("custom field value: %w", err)
	}
	return FieldValue{text: s}, nil
}

// decodeCustomField reads one {"key": ..., "value": ...} of valid JSON as encoding/json did:
// the names match without regard to case, a null key is left alone, a null value is the empty
// string, a null element is an empty field, and other members are ignored.
func decodeCustomField(b []byte) (CustomField, error) {
	var f CustomField
	b = trimSpaceBytes(b)
	if string(b) == "null" {
		return f, nil
	}
	if len(b) == 0 || b[0] != '{' {
		return f, fmt.Errorf("custom field: %w", errNotObject)
	}
	err := members(b, func(name string, val []byte) error {
		switch {
		case strings.EqualFold(name, "key"):
			val = trimSpaceBytes(val)
			if string(val) == "null" {
				return nil
			}
			if len(val) == 0 || val[0] != '"' {
				return fmt.Errorf("custom field key: not a string: %.40s", val)
			}
			k, err := unquote(val)
			f.Key = k
			return err
		case strings.EqualFold(name, "value"): // null included: it is the empty string
			v, err := decodeFieldValue(val)
			f.Value = v
			return err
		}
		return nil
	})
	return f, err
}

// isJSONNumber reports whether b is a number as JSON writes it.
func isJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(b)
}
