// Package httpretry holds the rules every request the provider sends
// follows, token requests and workload-identity fetches alike: where a
// credential may be sent (Secure: https, or http to loopback), which
// answers are retried (Policy), how long to wait (Backoff, with Retry-After
// as a floor), and that redirects are never followed (NoRedirect); New
// builds the client that applies them. It has no Terraform types.
package httpretry

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
)

// The waits of Backoff.
const (
	DefaultWaitMin = 500 * time.Millisecond
	DefaultWaitMax = 30 * time.Second
	// MaxRetryAfter caps how long a server's Retry-After can make us wait.
	MaxRetryAfter = 60 * time.Second
)

// The growth of Backoff's waits and the share of a wait added as jitter.
const (
	growth = 1.5
	jitter = 0.5
)

// BackoffDescription says in Markdown how Backoff waits with the default
// waits, for the provider's documentation: the one place of the rule is
// this package, the sentence follows its constants.
var BackoffDescription = "waiting the larger of `Retry-After` (at most " + seconds(MaxRetryAfter) + ") and an exponential backoff (" +
	seconds(DefaultWaitMin) + ", ×" + strconv.FormatFloat(growth, 'f', -1, 64) + " per retry, at most " + seconds(DefaultWaitMax) +
	"), plus up to " + strconv.Itoa(int(jitter*100)) + " % jitter"

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s" }

// Options are what differs between the requests that follow these rules.
type Options struct {
	// Transport carries each attempt; Timeout bounds each attempt.
	Transport http.RoundTripper
	Timeout   time.Duration
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// WaitMin and WaitMax bound Backoff; DefaultWaitMin and DefaultWaitMax
	// when zero.
	WaitMin, WaitMax time.Duration
	// Clock reads Retry-After dates; the system clock when nil.
	Clock clock.Clock
	// Policy decides which attempts are retried; Policy when nil.
	Policy retryablehttp.CheckRetry
}

// New is a client that follows the rules: it retries by o.Policy, waits by
// Backoff, never follows a redirect, logs nothing, and hands the last
// answer to the caller when the retries run out.
func New(o Options) *retryablehttp.Client {
	if o.Policy == nil {
		o.Policy = Policy
	}
	return &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: o.Transport, Timeout: o.Timeout, CheckRedirect: NoRedirect},
		RetryMax:     max(o.MaxRetries, 0),
		RetryWaitMin: cmp.Or(o.WaitMin, DefaultWaitMin),
		RetryWaitMax: cmp.Or(o.WaitMax, DefaultWaitMax),
		CheckRetry:   o.Policy,
		Backoff:      Backoff(clock.OrSystem(o.Clock)),
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// Secure reports whether a request to u may carry a credential: https, or
// http to a loopback host (127.0.0.0/8, ::1, localhost), where nothing
// travels off the machine.
func Secure(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return true
	case "http":
		return isLoopbackHost(u.Hostname())
	}
	return false
}

// isLoopbackHost reports whether host is localhost or a loopback IP address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TransportCause is what a request that got no answer was (its method)
// and why, without the request URL: the error inside the innermost
// *url.Error, the only layer of net/http's errors that quotes the URL,
// query and all.
func TransportCause(err error) (op string, cause error) {
	var ue *url.Error
	for errors.As(err, &ue) {
		op, err = ue.Op, ue.Err
	}
	return op, err
}

// NoRedirect stops a client at a 3xx answer: following it would re-send
// the credentials to wherever the Location points.
func NoRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Policy retries 429, 500, 502, 503 and 504, and connection errors that
// may pass (not TLS certificate or URL errors); it stops at once when the
// context ends.
func Policy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

// Backoff is the wait before retry attempt+1: the larger of the server's
// Retry-After (seconds or HTTP date, capped at MaxRetryAfter) and this
// attempt's exponential backoff (min×1.5^attempt, capped at max), plus up
// to 50 % of that as jitter.
//
// Retry-After is a floor, not the wait: a fleet of Terraform runs that a
// gateway limited together, all told "Retry-After: 1", would otherwise
// come back together every second for as long as the limit lasts, and the
// retry budget would not grow with MaxRetries (eight retries would be eight
// seconds). The jitter only lengthens a wait, so the server's floor holds.
//
// It is not go-retryablehttp's DefaultBackoff, which doubles the wait
// without jitter, takes Retry-After (only on 429 and 503) as the wait
// itself without a cap, and reads dates against the package's own
// time.Now. The growth (0.5 s, ×1.5, 30 s cap) is the one Workiva's SDK
// documents; the cap keeps a misconfigured Retry-After from stalling a run;
// the clock is the client's, so tests can move it.
func Backoff(clk clock.Clock) retryablehttp.Backoff {
	return func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
		wait := time.Duration(math.Min(float64(minWait)*math.Pow(growth, float64(attempt)), float64(maxWait)))
		if resp != nil {
			if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), clk.Now()); ok {
				wait = max(wait, min(d, MaxRetryAfter))
			}
		}
		return wait + time.Duration(rand.Float64()*jitter*float64(wait)) //nolint:gosec // jitter needs no cryptographic randomness
	}
}

// ParseRetryAfter parses a Retry-After header value given as delay seconds
// or as an HTTP date (RFC 9110 10.2.3). A date in the past means zero.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(math.MaxInt64/time.Second) {
			return math.MaxInt64, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
