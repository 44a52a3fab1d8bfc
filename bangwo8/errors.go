package bangwo8

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is an error answer of the service: a non-2xx status, or a 2xx whose body carries an
// error code (error, or a non-zero errcode/code). Method and Path name the call (the path only: no query, no
// credentials). Body is a short snippet of the raw body, for answers that are not JSON.
type APIError struct {
	StatusCode  int
	Code        string              // "error" (or errcode/code) of the body, e.g. "NotFound"
	Description string              // "description" (or errmsg/message) of the body
	Details     map[string][]string // validation problems by field, for 422
	Method      string
	Path        string
	Body        string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bangwo8: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	switch {
	case e.Code != "" && e.Description != "":
		fmt.Fprintf(&b, ": %s: %s", e.Code, e.Description)
	case e.Code != "":
		b.WriteString(": " + e.Code)
	case e.Description != "":
		b.WriteString(": " + e.Description)
	case e.Body != "":
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	for _, field := range slices.Sorted(maps.Keys(e.Details)) {
		fmt.Fprintf(&b, "; %s: %s", field, strings.Join(e.Details[field], ", "))
	}
	return b.String()
}

// RateLimitError is a 429 answer. RetryAfter is the server's Retry-After (0 when it named
// none). errors.As finds the *APIError inside it too.
type RateLimitError struct {
	APIError
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("%s (retry after %v)", e.APIError.Error(), e.RetryAfter)
	}
	return e.APIError.Error()
}

// Unwrap exposes the APIError, so that errors.As(err, new(*APIError)) matches a 429 too.
func (e *RateLimitError) Unwrap() error { return &e.APIError }

// ErrMaybeCreated is matched (errors.Is) by the error of a create whose outcome is unknown:
// the request may have reached the server and created the company. Look the company up by its
// key before sending the create again.
var ErrMaybeCreated = errors.New("bangwo8: the create may have reached the server")

// AmbiguousWriteError is the error of a POST that failed after it may have reached the server
// (a timeout, a dropped connection, a 5xx, an unreadable answer). The client returns it at
// once, without a retry: the caller checks whether the write happened before sending it
// again. It matches ErrMaybeCreated and unwraps to the cause.
type AmbiguousWriteError struct {
	Method, Path string
	Err          error
}

func (e *AmbiguousWriteError) Error() string {
	return fmt.Sprintf("bangwo8: %s %s: outcome unknown, the write may have happened: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the cause and ErrMaybeCreated.
func (e *AmbiguousWriteError) Unwrap() []error { return []error{e.Err, ErrMaybeCreated} }

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnauthorized reports whether err is a 401 answer (missing or wrong credentials).
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsValidation reports whether err is a 422 answer; the problems are in APIError.Details.
func IsValidation(err error) bool { return statusOf(err) == http.StatusUnprocessableEntity }

// IsRateLimited reports whether err is a 429 answer.
func IsRateLimited(err error) bool {
	var rl *RateLimitError
	return errors.As(err, &rl)
}

func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// errorBody is every error shape the service and its relatives use: ours
// ({"error", "description", "details"}), and the vendor's ({"errcode"|"code", "errmsg"|"message"}).
type errorBody struct {
	Error       json.RawMessage `json:"error"`
	Description string          `json:"description"`
	Details     json.RawMessage `json:"details"`
	Errcode     json.RawMessage `json:"errcode"`
	Code        json.RawMessage `json:"code"`
	Errmsg      string          `json:"errmsg"`
	Message     string          `json:"message"`
}

// parseErrorBody fills the code, description and details of e from body, whatever its shape;
// a body that is not JSON only leaves its snippet.
func parseErrorBody(e *APIError, body []byte) {
	e.Body = snippet(body)
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return
	}
	e.Code = cmp.Or(rawText(eb.Error), rawText(eb.Errcode), rawText(eb.Code))
	e.Description = cmp.Or(eb.Description, eb.Errmsg, eb.Message)
	if len(eb.Details) > 0 {
		_ = json.Unmarshal(eb.Details, &e.Details) // details of another shape stay in Body
	}
}

// bodyError returns the error a body carries in error, errcode or code, or nil when the code
// is absent, 0 or "0" (some relatives of this API answer every error with HTTP 200).
func bodyError(status int, body []byte) *APIError {
	var f errorFields
	if json.Unmarshal(body, &f) != nil {
		return nil
	}
	apiErr := f.apiError()
	if apiErr == nil {
		return nil
	}
	apiErr.StatusCode, apiErr.Body = status, snippet(body)
	return apiErr
}

// rawText turns a JSON string or number into text; objects, arrays, null and false are "".
func rawText(raw json.RawMessage) string {
	s, err := scalarString(raw)
	if err != nil || s == "false" {
		return ""
	}
	return s
}

// snippetLen bounds the body text kept in an error.
const snippetLen = 200

// snippet returns the start of body with runs of white space folded, cut on a rune boundary.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) <= snippetLen {
		return strings.ToValidUTF8(s, "?")
	}
	cut := snippetLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.ToValidUTF8(s[:cut], "?") + "…"
}
