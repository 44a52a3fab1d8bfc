package bangwo8

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
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

func (l *companyList) UnmarshalJSON(b []byte) error {
	l.present, l.items = true, nil
	if string(trimSpaceBytes(b)) == "null" {
		return nil
	}
	// encoding/json has checked the whole answer before it calls this: the records are
	// walked once (decode.go), not validated again as an array and again one by one.
	return elements(b, func(val []byte) error {
		l.items = append(l.items, Company{})
		if err := decodeCompany(val, &l.items[len(l.items)-1]); err != nil {
			l.items = nil
			return fmt.Errorf("company: %w", err)
		}
		return nil
	})
}

// companiesEnvelope is {"companies": [...]}; null is an empty list, a missing key an error.
type companiesEnvelope struct {
	Companies companyList `json:"companies"`
	errorFields
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
