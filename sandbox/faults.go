package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Faults says how often the sandbox misbehaves on purpose, per request. The four kinds that
// replace the answer (Reset, Error500, RateLimit429, LostResponse) exclude each other, so
// their probabilities may add up to at most 1; Slow is drawn on its own and delays whatever
// answer the request gets.
//
// Faults are injected inside authentication (as a Config.Middleware): a call with wrong
// credentials always gets its 401, so a test of a fault never hides a credential mistake.
type Faults struct {
	Error500     float64 // answer 500 InternalError; nothing is done
	RateLimit429 float64 // answer 429 with Retry-After; nothing is done
	// LostResponse: the request is done (a create is committed), then the connection is
	// closed without an answer, as when a proxy or the network drops it on the way back.
	LostResponse float64
	Reset        float64 // the connection is closed before anything is done

	Slow    float64       // the answer is delayed by SlowFor
	SlowFor time.Duration // the delay of a slow answer

	// RetryAfter is the Retry-After of an injected 429, in whole seconds (default 1s).
	RetryAfter time.Duration

	// Seed seeds the draws: the same seed and the same order of requests inject the same
	// faults.
	Seed uint64
}

// Fault kinds, as the --faults syntax names them.
const (
	FaultError500     = "error500"
	FaultRateLimit429 = "ratelimit429"
	FaultLostResponse = "lost-response"
	FaultReset        = "reset"
	FaultSlow         = "slow"
)

// ParseFaults reads the --faults syntax: comma-separated "kind=P" with P a probability in
// [0, 1], and "slow=P:DUR" (e.g. "error500=0.1,ratelimit429=0.05,lost-response=0.03,
// reset=0.02,slow=0.1:200ms"). "" is no faults. The error names the item at fault.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	seen := map[string]bool{}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		kind, value, ok := strings.Cut(item, "=")
		kind, value = strings.TrimSpace(kind), strings.TrimSpace(value)
		if !ok {
			return Faults{}, fmt.Errorf("faults: %q: want kind=probability", item)
		}
		if seen[kind] {
			return Faults{}, fmt.Errorf("faults: %q: %s is given twice", item, kind)
		}
		seen[kind] = true
		if kind == FaultSlow {
			p, d, ok := strings.Cut(value, ":")
			if !ok {
				return Faults{}, fmt.Errorf("faults: %q: want slow=probability:duration, e.g. slow=0.1:200ms", item)
			}
			prob, err := parseProbability(p)
			if err != nil {
				return Faults{}, fmt.Errorf("faults: %q: %w", item, err)
			}
			dur, err := time.ParseDuration(strings.TrimSpace(d))
			if err != nil || dur < 0 {
				return Faults{}, fmt.Errorf("faults: %q: the delay %q is not a duration such as 200ms", item, d)
			}
			if prob > 0 { // a delay that never happens is no fault
				f.Slow, f.SlowFor = prob, dur
			}
			continue
		}
		prob, err := parseProbability(value)
		if err != nil {
			return Faults{}, fmt.Errorf("faults: %q: %w", item, err)
		}
		switch kind {
		case FaultError500:
			f.Error500 = prob
		case FaultRateLimit429:
			f.RateLimit429 = prob
		case FaultLostResponse:
			f.LostResponse = prob
		case FaultReset:
			f.Reset = prob
		default:
			return Faults{}, fmt.Errorf("faults: %q: unknown kind %q (want %s, %s, %s, %s or %s)", item, kind,
				FaultError500, FaultRateLimit429, FaultLostResponse, FaultReset, FaultSlow)
		}
	}
	if err := f.Validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}

func parseProbability(s string) (float64, error) {
	p, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(p) || p < 0 || p > 1 {
		return 0, fmt.Errorf("the probability %q is not a number from 0 to 1", s)
	}
	return p, nil
}

// Validate reports a probability outside [0, 1], exclusive kinds adding up to more than 1, or
// a negative duration.
func (f Faults) Validate() error {
	for _, p := range []struct {
		kind string
		p    float64
	}{{FaultError500, f.Error500}, {FaultRateLimit429, f.RateLimit429}, {FaultLostResponse, f.LostResponse}, {FaultReset, f.Reset}, {FaultSlow, f.Slow}} {
		if math.IsNaN(p.p) || p.p < 0 || p.p > 1 {
			return fmt.Errorf("faults: %s=%v: want a probability from 0 to 1", p.kind, p.p)
		}
	}
	if sum := f.Error500 + f.RateLimit429 + f.LostResponse + f.Reset; sum > 1+1e-9 {
		return fmt.Errorf("faults: %s, %s, %s and %s add up to %v: at most one of them hits a request, so at most 1",
			FaultError500, FaultRateLimit429, FaultLostResponse, FaultReset, sum)
	}
	if f.SlowFor < 0 || f.RetryAfter < 0 {
		return errors.New("faults: durations must not be negative")
	}
	return nil
}

// Any reports whether f injects anything at all.
func (f Faults) Any() bool {
	return f.Error500 > 0 || f.RateLimit429 > 0 || f.LostResponse > 0 || f.Reset > 0 || (f.Slow > 0 && f.SlowFor > 0)
}

// String writes f in the --faults syntax (kinds with probability 0 left out).
func (f Faults) String() string {
	var parts []string
	add := func(kind string, p float64) {
		if p > 0 {
			parts = append(parts, kind+"="+strconv.FormatFloat(p, 'g', -1, 64))
		}
	}
	add(FaultError500, f.Error500)
	add(FaultRateLimit429, f.RateLimit429)
	add(FaultLostResponse, f.LostResponse)
	add(FaultReset, f.Reset)
	if f.Slow > 0 {
		parts = append(parts, FaultSlow+"="+strconv.FormatFloat(f.Slow, 'g', -1, 64)+":"+f.SlowFor.String())
	}
	return strings.Join(parts, ",")
}

// FaultCounts counts the requests a FaultInjector saw and the faults it injected.
type FaultCounts struct {
	Requests     int64 `json:"requests"`
	Error500     int64 `json:"error500"`
	RateLimit429 int64 `json:"ratelimit429"`
	LostResponse int64 `json:"lost_response"`
	Reset        int64 `json:"reset"`
	Slow         int64 `json:"slow"`
}

// Injected is the number of requests whose answer a fault replaced (slow ones not counted).
func (c FaultCounts) Injected() int64 {
	return c.Error500 + c.RateLimit429 + c.LostResponse + c.Reset
}

// String is "requests=N error500=N ratelimit429=N lost-response=N reset=N slow=N".
func (c FaultCounts) String() string {
	return fmt.Sprintf("requests=%d %s=%d %s=%d %s=%d %s=%d %s=%d", c.Requests,
		FaultError500, c.Error500, FaultRateLimit429, c.RateLimit429, FaultLostResponse, c.LostResponse,
		FaultReset, c.Reset, FaultSlow, c.Slow)
}

// FaultInjector injects Faults into the requests it serves. Its draws come from one seeded
// generator behind a mutex, so a given seed and request order give the same faults; the
// counters can be read at any time. Use Middleware as a Config.Middleware.
type FaultInjector struct {
	faults Faults

	mu  sync.Mutex
	rng *rand.Rand

	requests, error500, limited, lost, reset, slow atomic.Int64
}

// NewFaultInjector returns an injector of f; f is assumed valid (see Faults.Validate).
func NewFaultInjector(f Faults) *FaultInjector {
	if f.RetryAfter <= 0 {
		f.RetryAfter = time.Second
	}
	return &FaultInjector{faults: f, rng: rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))}
}

// Counts returns the counters so far.
func (fi *FaultInjector) Counts() FaultCounts {
	return FaultCounts{
		Requests: fi.requests.Load(), Error500: fi.error500.Load(), RateLimit429: fi.limited.Load(),
		LostResponse: fi.lost.Load(), Reset: fi.reset.Load(), Slow: fi.slow.Load(),
	}
}

// fault is the decision for one request.
type fault int

const (
	faultNone fault = iota
	faultReset
	faultError500
	faultRateLimit429
	faultLostResponse
)

// draw decides the fault of the next request. Two numbers are drawn for every request,
// whatever the outcome, so that the sequence depends only on the seed and the request count.
func (fi *FaultInjector) draw() (fault, bool) {
	fi.mu.Lock()
	kind, slowDraw := fi.rng.Float64(), fi.rng.Float64()
	fi.mu.Unlock()
	f := fi.faults
	slow := f.Slow > 0 && f.SlowFor > 0 && slowDraw < f.Slow
	for _, c := range []struct {
		p float64
		f fault
	}{{f.Reset, faultReset}, {f.Error500, faultError500}, {f.RateLimit429, faultRateLimit429}, {f.LostResponse, faultLostResponse}} {
		if kind < c.p {
			return c.f, slow
		}
		kind -= c.p
	}
	return faultNone, slow
}

// Middleware injects the faults into the requests it passes to next.
func (fi *FaultInjector) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fi.requests.Add(1)
		kind, slow := fi.draw()
		if slow {
			fi.slow.Add(1)
			if !waitOrStop(r, fi.faults.SlowFor) {
				return // the client gave up; nothing was done
			}
		}
		switch kind {
		case faultReset:
			fi.reset.Add(1)
			dropConnection(w)
		case faultError500:
			fi.error500.Add(1)
			writeError(w, http.StatusInternalServerError, CodeInternalError, "injected fault: error500 (nothing was done)", nil)
		case faultRateLimit429:
			fi.limited.Add(1)
			seconds := max(1, int(math.Ceil(fi.faults.RetryAfter.Seconds())))
			w.Header().Set("Retry-After", strconv.Itoa(seconds))
			writeError(w, http.StatusTooManyRequests, CodeTooManyRequests,
				fmt.Sprintf("injected fault: ratelimit429; retry after %d s", seconds), nil)
		case faultLostResponse:
			fi.lost.Add(1)
			// The real handler runs to completion (a write is committed), into a buffer that
			// is then thrown away with the connection.
			buf := &discardWriter{header: http.Header{}}
			next.ServeHTTP(buf, r)
			dropConnection(w)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// dropConnection closes the client's connection without an answer. It hijacks the connection
// and closes it with a TCP reset (SO_LINGER 0); where hijacking is not possible (HTTP/2) it
// aborts the handler, which the server turns into a dropped connection or stream.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// discardWriter is a ResponseWriter that keeps the answer in memory, to be dropped.
type discardWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (d *discardWriter) Header() http.Header { return d.header }

func (d *discardWriter) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *discardWriter) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return d.body.Write(p)
}
