package bangwo8

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// companyEnvelope is {"company": {...}}, also accepted as {"company": [{...}]}.
type companyEnvelope struct {
	Company oneCompany `json:"company"`
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

var errNoCompany = errors.New(`the answer has no "company"`)

func (e *companyEnvelope) company() (*Company, error) {
	if !e.Company.present {
		return nil, errNoCompany
	}
	c := e.Company.Company
	return &c, nil
}

// companiesEnvelope is {"companies": [...]}; null or missing is an empty list.
type companiesEnvelope struct {
	Companies []Company `json:"companies"`
}

// searchEnvelope is a search answer. count may come as a number or a string.
type searchEnvelope struct {
	Results      []Company       `json:"results"`
	NextPage     *string         `json:"next_page"`
	PreviousPage *string         `json:"previous_page"`
	Count        json.RawMessage `json:"count"`
}
