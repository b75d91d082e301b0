package tokenclient

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// newHTTPClient builds the client x/oauth2 uses: retries from
// go-retryablehttp on top of a transport that adds the version and agent
// headers, with redirects never followed.
func newHTTPClient(cfg Config, assertion, subject assertionSource) *http.Client {
	inner := &http.Client{
		Transport: &headerTransport{base: cfg.Transport, version: cfg.APIVersion, userAgent: cfg.UserAgent,
			assertion: assertion, subject: subject, sensitive: cfg.Sensitive},
		Timeout:       cfg.Timeout,
		CheckRedirect: noRedirect,
	}
	rc := &retryablehttp.Client{
		HTTPClient:   inner,
		Logger:       nil,
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   retryPolicy,
		Backoff:      backoff(cfg.Clock),
		// Hand the last response to x/oauth2 so that the error it builds
		// carries the server's status and body.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if cfg.Logger != nil {
		rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				cfg.Logger.Warn(req.Context(), "retrying token request", map[string]any{"endpoint": redact.ShowURL(req.URL), "retry": attempt, "retry_limit": cfg.MaxRetries})
			}
		}
		rc.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
			cfg.Logger.Debug(resp.Request.Context(), "token endpoint answered", map[string]any{
				"endpoint": redact.ShowURL(resp.Request.URL), "status": resp.StatusCode,
				"content_type": resp.Header.Get("Content-Type"), "retry_after": resp.Header.Get("Retry-After"),
			})
		}
	}
	return &http.Client{
		Transport:     &retryablehttp.RoundTripper{Client: rc},
		CheckRedirect: noRedirect,
	}
}

// retryPolicy retries 429, 500, 502, 503 and 504, and connection errors
// that may pass (not TLS certificate or URL errors); it stops at once when
// the context ends.
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	var ae *assertionError
	if errors.As(err, &ae) {
		return false, nil
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

// backoff is the wait before retry attempt+1: the larger of the server's
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
func backoff(clk clock.Clock) retryablehttp.Backoff {
	return func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
		wait := time.Duration(math.Min(float64(minWait)*math.Pow(1.5, float64(attempt)), float64(maxWait)))
		if resp != nil {
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), clk.Now()); ok {
				wait = max(wait, min(d, MaxRetryAfter))
			}
		}
		return wait + time.Duration(rand.Float64()*0.5*float64(wait)) //nolint:gosec // jitter needs no cryptographic randomness
	}
}

// parseRetryAfter parses a Retry-After header value given as delay seconds
// or as an HTTP date (RFC 9110 10.2.3). A date in the past means zero.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
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
