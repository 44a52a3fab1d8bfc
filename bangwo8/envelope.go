package bangwo8

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// answer is a decoded 2xx body. check says whether the body is not the answer it seems: an
// error the server answered with 200 (an *APIError, whose status the caller fills in), or an
// envelope without the key the call expects. An empty list is only ever an empty list.
type answer interface {
	check() error
}

// errMissingKey is the error of an envelope without the key its call expects.
type errMissingKey string

func (e errMissingKey) Error() string { return fmt.Sprintf("has no %q", string(e)) }

// errorFields are the error keys of every shape the service and its relatives use (see
// errorBody), decoded with the envelope they may stand in, in the same pass.
type errorFields struct {
	Error       json.RawMessage `json:"error"`
	Description json.RawMessage `json:"description"`
	Errcode     json.RawMessage `json:"errcode"`
	Code        json.RawMessage `json:"code"`
	Errmsg      json.RawMessage `json:"errmsg"`
	Message     json.RawMessage `json:"message"`
}

// member sets the field whose name key is (without regard to case), if any, to val, a valid
// JSON value, as encoding/json would.
func (f *errorFields) member(key string, val []byte) error {
	for _, m := range []struct {
		name string
		dst  *json.RawMessage
	}{
		{"error", &f.Error}, {"description", &f.Description}, {"errcode", &f.Errcode},
		{"code", &f.Code}, {"errmsg", &f.Errmsg}, {"message", &f.Message},
	} {
		if strings.EqualFold(key, m.name) {
			return m.dst.UnmarshalJSON(val)
		}
	}
	return nil
}

// apiError returns the error the fields carry: an "error" code ({"error": "NotFound", ...}),
// or an errcode/code that is not 0 ({"errcode": 40001, "errmsg": ...}); nil when none.
func (f *errorFields) apiError() *APIError {
	code := rawText(f.Error)
	if code == "0" {
		code = ""
	}
	if c := cmp.Or(rawText(f.Errcode), rawText(f.Code)); c != "" && c != "0" && code == "" {
		code = c
	}
	if code == "" {
		return nil
	}
	return &APIError{Code: code, Description: cmp.Or(rawText(f.Description), rawText(f.Errmsg), rawText(f.Message))}
}

// companyEnvelope is {"company": {...}}, also accepted as {"company": [{...}]}.
type companyEnvelope struct {
	Company oneCompany `json:"company"`
	errorFields
}

func (e *companyEnvelope) check() error {
	if apiErr := e.apiError(); apiErr != nil {
		return apiErr
	}
	if !e.Company.present {
		return errNoCompany
	}
	return nil
}

// oneCompany is a company given as an object or as a one-element array.
type oneCompany struct {
	Company
	present bool
}

func (o *oneCompany) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '[':
		var list []Company
		if err := json.Unmarshal(b, &list); err != nil {
			return fmt.Errorf("company array: %w", err)
		}
		if len(list) != 1 {
			return fmt.Errorf("company array: %d elements, want 1", len(list))
		}
		o.Company, o.present = list[0], true
		return nil
	}
	if err := json.Unmarshal(b, &o.Company); err != nil {
		return err
	}
	o.present = true
	return nil
}

var errNoCompany = errMissingKey("company")

func (e *companyEnvelope) company() (*Company, error) {
	if !e.Company.present {
		return nil, errNoCompany
	}
	c := e.Company.Company
	return &c, nil
}

// companyList is a list of companies that knows whether its key was there at all; null is
// an empty list.
type companyList struct {
	items   []Company
	present bool
}

// UnmarshalJSON reads the list in one walk (decodeCompanies), trusting its syntax: both callers
// have checked the whole answer first (encoding/json for a search answer, unmarshalAnswer for
// a list).
func (l *companyList) UnmarshalJSON(b []byte) error {
	items, err := decodeCompanies(b)
	if err != nil {
		return err
	}
	l.items, l.present = items, true
	return nil
}

// companiesEnvelope is {"companies": [...]}; null is an empty list, a missing key an error.
type companiesEnvelope struct {
	Companies companyList `json:"companies"`
	errorFields
}

// decodeAnswer is json.Unmarshal(data, e) for valid JSON data, in one walk: members are
// matched as encoding/json matches them (the name without regard to case; the last of a name
// given twice wins), and what encoding/json would refuse is an error too.
func (e *companiesEnvelope) decodeAnswer(data []byte) error {
	if string(trimSpaceBytes(data)) == "null" {
		return nil
	}
	return members(data, func(key string, val []byte) error {
		if strings.EqualFold(key, "companies") {
			return e.Companies.UnmarshalJSON(val)
		}
		return e.errorFields.member(key, val)
	})
}

func (e *companiesEnvelope) check() error {
	if apiErr := e.apiError(); apiErr != nil {
		return apiErr
	}
	if !e.Companies.present {
		return errMissingKey("companies")
	}
	return nil
}

// searchEnvelope is a search answer. count may come as a number or a string; next_page is
// kept raw to tell null (the last page) from absent (the server says nothing).
type searchEnvelope struct {
	Results      companyList     `json:"results"`
	NextPage     json.RawMessage `json:"next_page"`
	PreviousPage *string         `json:"previous_page"`
	Count        json.RawMessage `json:"count"`
	errorFields
}

func (e *searchEnvelope) check() error {
	if apiErr := e.apiError(); apiErr != nil {
		return apiErr
	}
	if !e.Results.present {
		return errMissingKey("results")
	}
	return nil
}

// answerDecoder is an answer that decodes itself from bytes that are valid JSON.
type answerDecoder interface {
	decodeAnswer(data []byte) error
}

// unmarshalAnswer is json.Unmarshal(data, out), in one walk for the answers that decode
// themselves: a page of 5000 companies is validated once (see valid) and walked once, where
// json.Unmarshal would validate it, scan it again for each company, and have each company
// validate its bytes once more.
func unmarshalAnswer(data []byte, out any) error {
	d, ok := out.(answerDecoder)
	if !ok {
		return json.Unmarshal(data, out)
	}
	if !valid(data) {
		var probe any // for encoding/json's own description of what is wrong
		if err := json.Unmarshal(data, &probe); err != nil {
			return err
		}
		return errors.New("invalid JSON")
	}
	return d.decodeAnswer(data)
}
