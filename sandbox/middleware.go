package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// basicAuth refuses, with 401 and a JSON error, every request without the given credentials.
// The comparison takes the same time whatever the guess, and the password is never echoed.
func basicAuth(account, password string) func(http.Handler) http.Handler {
	wantAccount := sha256.Sum256([]byte(account))
	wantPassword := sha256.Sum256([]byte(password))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gotAccount, gotPassword, ok := r.BasicAuth()
			a := sha256.Sum256([]byte(gotAccount))
			p := sha256.Sum256([]byte(gotPassword))
			// Both compared always, so timing does not tell which one was wrong.
			match := subtle.ConstantTimeCompare(a[:], wantAccount[:]) & subtle.ConstantTimeCompare(p[:], wantPassword[:])
			if !ok || match != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="bangwo8 sandbox", charset="UTF-8"`)
				desc := "wrong account or password"
				if !ok {
					desc = "HTTP Basic authentication is required: -u {account}:{password}"
				}
				writeError(w, http.StatusUnauthorized, CodeUnauthorized, desc, nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// rateLimit lets rps requests per second through, from all clients together, with a burst of
// one second's worth; beyond it answers 429 with Retry-After in whole seconds (at least 1).
func rateLimit(rps float64) func(http.Handler) http.Handler {
	limiter := rate.NewLimiter(rate.Limit(rps), max(1, int(math.Ceil(rps))))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			now := time.Now()
			res := limiter.ReserveN(now, 1)
			if delay := res.DelayFrom(now); delay > 0 {
				res.CancelAt(now) // the request is refused, so it takes no token
				seconds := max(1, int(math.Ceil(delay.Seconds())))
				w.Header().Set("Retry-After", strconv.Itoa(seconds))
				writeError(w, http.StatusTooManyRequests, CodeTooManyRequests,
					fmt.Sprintf("more than %g requests per second; retry after %d s", rps, seconds), nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// latency waits d before handing the request on, or less when the server begins to stop; a
// request whose client gives up meanwhile is dropped without an answer.
func latency(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if waitOrStop(r, d) {
				next.ServeHTTP(w, r)
			}
		})
	}
}
