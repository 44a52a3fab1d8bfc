// Package bangwo8 is a client for the company API of Bangwo8 (帮我吧).
//
// The reader is tolerant: integers arrive as numbers or strings (or ""), empty dates as
// "0000-00-00" or "", custom field values as strings or arrays, single records as an object or
// a one-element array, and fields the vendor does not document are kept. The writer is strict:
// only documented, writable fields are ever sent (CompanyInput).
//
// A Client is shared by all workers of a run, usually with one ratelimit.Pacer:
//
//	c, err := bangwo8.NewClient(baseURL,
//		bangwo8.WithBasicAuth(account, password),
//		bangwo8.WithPacer(ratelimit.New(ratelimit.Config{RPS: 5, Burst: 2})))
//	for co, err := range c.AllCompanies(ctx, bangwo8.ListOptions{PerPage: 500}) { ... }
//
// Failures are typed: *APIError for any error answer (IsNotFound, IsUnauthorized,
// IsValidation), *RateLimitError for a 429 with its Retry-After, and *AmbiguousWriteError
// (errors.Is(err, ErrMaybeCreated)) for a create that may have happened. GET and PUT are
// retried after a 429, a 5xx or a network error. A POST is retried only when it certainly did
// not take effect (a 429, or a request that never left), so that a company is never created
// twice: after an ambiguous answer the caller looks it up by its key first.
//
// The server is not trusted either. A 2xx that carries an error, is not JSON or lacks its
// envelope's key is an error, never an empty list. Listings end only where Paging says they
// are complete (a capped per_page, a search's count per page, a page that repeats: see
// Paging), else ErrPaging. An answer is bounded on the wire and unpacked (ErrAnswerTooLarge),
// a 429's pause by WithMaxRetryAfter, and a redirect is followed only within the base URL's
// scheme, host and port (*RedirectError), so that the credentials go nowhere else. What only a
// person can fix (a 401 or 403, a host that does not resolve: *HostNotFoundError, a redirect)
// is not retried: IsConfigError.
package bangwo8
