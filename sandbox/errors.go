package sandbox

import (
	"encoding/json"
	"net/http"
)

// Error codes of the JSON error body {"error": code, "description": ..., "details": ...}.
const (
	CodeInvalidJSON      = "InvalidJSON"      // 400: the body is not the JSON expected
	CodeInvalidParameter = "InvalidParameter" // 400: a query parameter is malformed
	CodeUnauthorized     = "Unauthorized"     // 401: missing or wrong credentials
	CodeRecordNotFound   = "RecordNotFound"   // 404: unknown company id
	CodeInvalidEndpoint  = "InvalidEndpoint"  // 404: unknown path
	CodeMethodNotAllowed = "MethodNotAllowed" // 405
	CodeRecordInvalid    = "RecordInvalid"    // 422: validation failed, see details
	CodeTooManyRequests  = "TooManyRequests"  // 429: beyond the rate, see Retry-After
	CodeInternalError    = "InternalError"    // 500
)

// apiError is the JSON body of every error answer.
type apiError struct {
	Code        string              `json:"error"`
	Description string              `json:"description"`
	Details     map[string][]string `json:"details,omitempty"`
}

// writeError answers status with the JSON error body.
func writeError(w http.ResponseWriter, status int, code, description string, details map[string][]string) {
	writeJSON(w, status, apiError{Code: code, Description: description, Details: details})
}

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"InternalError","description":"encoding the answer failed"}`)
	}
	writeRawJSON(w, status, b)
}

// writeRawJSON answers status with a body that is already JSON.
func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
