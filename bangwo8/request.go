package bangwo8

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// do sends one call and decodes a 2xx answer into out (when out is not nil). Up to maxRetries
// times it sends the call again when that cannot do harm: any call after a 429 or a failure
// that certainly happened before the request left (see neverSent), and a GET or PUT, which
// can be repeated, also after a 5xx or a network error. A POST whose outcome is unknown is
// returned at once as an *AmbiguousWriteError: only the caller can look the company up.
// path is the API path ("/api/v1/companies.json"); in is the request body (marshalled once,
// so that every attempt sends the same bytes).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) (*Response, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("bangwo8: %s %s: encode request: %w", method, path, err)
		}
	}
	endpoint := c.endpoint(path, query)
	resp := &Response{}
	for attempt := 1; ; attempt++ {
		resp.Attempts = attempt
		if c.pacer != nil {
			if err := c.pacer.Wait(ctx); err != nil {
				return resp, fmt.Errorf("bangwo8: %s %s: %w", method, path, err)
			}
		}
		started := time.Now()
		res, data, err := c.send(ctx, method, endpoint, body)
		if res != nil {
			resp.Response = res
		}
		retryable, delay, err := c.judge(ctx, method, path, attempt, res, data, err, out)
		c.logAttempt(ctx, method, path, attempt, res, time.Since(started), err)
		if err == nil {
			return resp, nil
		}
		if !retryable {
			return resp, err
		}
		if attempt > c.maxRetries {
			if attempt > 1 {
				err = fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
			}
			return resp, err
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "bangwo8 retry",
			slog.String("method", method), slog.String("path", path), slog.Int("attempt", attempt),
			slog.Duration("delay", delay.Round(time.Millisecond)), slog.String("error", err.Error()))
		if err := c.sleep(ctx, delay); err != nil {
			return resp, fmt.Errorf("bangwo8: %s %s: waiting to retry: %w", method, path, err)
		}
	}
}

// judge turns the outcome of one attempt into the error to return (nil for success, after
// decoding data into out), whether a retry may help, and how long to wait before it.
func (c *Client) judge(ctx context.Context, method, path string, attempt int, res *http.Response, data []byte, sendErr error, out any) (retryable bool, delay time.Duration, err error) {
	if sendErr != nil {
		if fatal := configError(sendErr); fatal != nil {
			// A host that does not resolve, or a redirect off the base URL: sending again
			// cannot help. A POST redirected by a 307 or 308 was not carried out (the server
			// asks for it elsewhere); after another redirect it may have been.
			var re *RedirectError
			if method == http.MethodPost && errors.As(fatal, &re) && re.StatusCode != http.StatusTemporaryRedirect && re.StatusCode != http.StatusPermanentRedirect {
				return false, 0, &AmbiguousWriteError{Method: method, Path: path, Err: fatal}
			}
			return false, 0, fatal
		}
		err := fmt.Errorf("bangwo8: %s %s: %w", method, path, sendErr)
		switch {
		case method == http.MethodPost && !neverSent(sendErr):
			return false, 0, &AmbiguousWriteError{Method: method, Path: path, Err: err}
		case errors.Is(sendErr, ErrAnswerTooLarge):
			return false, 0, err // the same answer again would be as large
		case ctx.Err() != nil: // the caller gave up: no retry
			return false, 0, err
		}
		return true, c.backoffFor(attempt), err
	}

	status := res.StatusCode
	retryAfter := parseRetryAfter(res.Header.Get("Retry-After"), c.now())
	if status == http.StatusTooManyRequests {
		retryAfter = c.boundWait(ctx, method, path, retryAfter)
	}
	if c.pacer != nil {
		c.pacer.Observe(status, retryAfter)
	}
	if status >= 200 && status < 300 {
		return false, 0, c.decode(method, path, status, data, out)
	}

	apiErr := &APIError{StatusCode: status, Method: method, Path: path}
	parseErrorBody(apiErr, data)
	switch {
	case status == http.StatusTooManyRequests:
		// The server refused the call before doing it, so even a POST is known not to have
		// happened; the pacer (if any) holds everyone until Retry-After has passed.
		rl := &RateLimitError{APIError: *apiErr, RetryAfter: retryAfter}
		switch {
		case c.pacer != nil:
			delay = 0 // the next pacer.Wait sleeps until the pause ends
		case retryAfter > 0:
			delay = retryAfter
		default:
			delay = c.backoffFor(attempt)
		}
		return true, delay, rl
	case status >= 500:
		if method == http.MethodPost {
			return false, 0, &AmbiguousWriteError{Method: method, Path: path, Err: apiErr}
		}
		return true, c.backoffFor(attempt), apiErr
	}
	return false, 0, apiErr
}

// decode reads a 2xx answer into out. An answer that is not JSON, carries an error (some
// relatives of this API answer every error with 200) or lacks the key the call expects is an
// error with the server's words, never an empty result. For a POST the error is ambiguous:
// the company may have been created all the same.
func (c *Client) decode(method, path string, status int, data []byte, out any) error {
	if out == nil {
		if apiErr := bodyError(status, data); apiErr != nil {
			apiErr.Method, apiErr.Path = method, path
			return apiErr
		}
		return nil
	}
	var err error
	if err = unmarshalAnswer(data, out); err == nil {
		if a, ok := out.(answer); ok {
			err = a.check()
		}
	} else if apiErr := bodyError(status, data); apiErr != nil {
		err = apiErr // an error body that is no envelope at all
	}
	var apiErr *APIError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &apiErr):
		apiErr.StatusCode, apiErr.Method, apiErr.Path, apiErr.Body = status, method, path, snippet(data)
		return apiErr
	}
	err = fmt.Errorf("bangwo8: %s %s: the %d answer is not what the call expects: %w (body %q)", method, path, status, err, snippet(data))
	if method == http.MethodPost {
		err = &AmbiguousWriteError{Method: method, Path: path, Err: err}
	}
	return err
}

// send makes one attempt and reads the whole answer under the per-attempt timeout.
func (c *Client) send(ctx context.Context, method, endpoint string, body []byte) (*http.Response, []byte, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body) // NewRequest sets GetBody from it, for same-origin redirects
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, reader)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	// Asked for explicitly, so that the transport leaves the decompression to readAnswer,
	// which bounds it.
	req.Header.Set("Accept-Encoding", "gzip")
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if c.auth != nil {
		req.SetBasicAuth(c.auth.account, c.auth.password)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, &notSentError{err}
	}
	res, err := c.httpClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	data, err := readAnswer(res, c.maxAnswer)
	if err != nil {
		return res, nil, fmt.Errorf("read the %d answer: %w", res.StatusCode, err)
	}
	return res, data, nil
}

// notSentError marks a failure that certainly happened before the request left.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// neverSent reports whether err proves that the request did not reach the server: it was
// never sent, or the connection could not even be opened.
func neverSent(err error) bool {
	var ns *notSentError
	if errors.As(err, &ns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoffFor returns the delay before retry number attempt.
func (c *Client) backoffFor(attempt int) time.Duration {
	if c.pacer != nil {
		return c.pacer.Backoff(attempt)
	}
	return c.backoff.Duration(attempt)
}

// endpoint joins the base URL, path and query. Spaces are sent as %20, which every server
// reads as a space ("+" is read so by form decoders only).
func (c *Client) endpoint(path string, query url.Values) string {
	u := *c.baseURL
	u.Path += path
	u.RawQuery = strings.ReplaceAll(query.Encode(), "+", "%20")
	return u.String()
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP date; 0 when
// absent, unreadable or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), maxRetryAfterSeconds)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// maxRetryAfterSeconds keeps a silly Retry-After from overflowing a Duration; the caller's
// context bounds the actual wait.
const maxRetryAfterSeconds = 24 * 60 * 60
