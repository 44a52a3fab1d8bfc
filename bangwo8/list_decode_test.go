package bangwo8

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// slowList and slowEnvelope are companyList and companiesEnvelope as encoding/json alone
// decodes them: the reference of the one-walk decoder.
type slowList struct {
	items   []Company
	present bool
}

func (l *slowList) UnmarshalJSON(b []byte) error {
	l.present = true
	if string(bytes.TrimSpace(b)) == "null" {
		l.items = nil
		return nil
	}
	return json.Unmarshal(b, &l.items)
}

type slowEnvelope struct {
	Companies slowList `json:"companies"`
	errorFields
}

// FuzzOneWalkListAnswer checks the one-walk reading of list answers against
// json.Unmarshal into the same envelope: the same companies, the same error fields, and an
// error for the same inputs.
func FuzzOneWalkListAnswer(f *testing.F) {
	for _, s := range []string{
		`{"companies": [` + vendorExample + `, null, {"uId": 2}]}`,
		`{"companies": null}`, `{}`, `null`, `[]`, `"x"`, `{"companies": {}}`, `{"companies": [1]}`,
		`{"Companies": [{"uId": 1}], "COMPANIES": [{"uId": 2}]}`, `{"companies": [{"uId": 1}], "companies": "x"}`,
		`{"companies": [{"uId": 1}]} trailing`, `{"companies": [{"uId": 1},]}`, `{"other": [1, {"companies": 2}], "companies": []}`,
		`{"compan\u0069es": [{"uId": 3}]}`, "{\"companie\u017f\": [{\"uId\": 4}]}",
		`{"errcode": 40001, "errmsg": "invalid credential", "companies": []}`, `{"code": "0", "companies": [{"uId": 5}]}`,
		`{"CODE": 7, "Message": "x", "code": 0}`, `{"code": 3, "description": 5}`, `{"errcode": "E1", "companies": 5}`,
		`{"code": 1, "details": {"a": [1]}, "error": "Bad", "Errmsg": "坏", "error": null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want slowEnvelope
		wantErr := json.Unmarshal(data, &want)
		var got companiesEnvelope
		gotErr := unmarshalAnswer(data, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q: encoding/json error %v, one walk %v", data, wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		if !reflect.DeepEqual(want.Companies.items, got.Companies.items) || want.Companies.present != got.Companies.present {
			t.Fatalf("%q:\nencoding/json %+v\none walk      %+v", data, want.Companies, got.Companies)
		}
		if !reflect.DeepEqual(want.errorFields, got.errorFields) {
			t.Fatalf("%q: error fields\nencoding/json %+v\none walk      %+v", data, want.errorFields, got.errorFields)
		}
	})
}

func TestListAnswerErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"companies": [{"uId": 1}`, "unexpected end of JSON input"},
		{`{"companies": [{"uId": "x1"}]}`, "company: company field uId"},
		{`{"companies": 5}`, "not a JSON array"},
	} {
		var env companiesEnvelope
		err := unmarshalAnswer([]byte(tc.body), &env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.body, err, tc.want)
		}
	}
}
