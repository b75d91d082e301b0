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
)

// newHTTPClient builds the client x/oauth2 uses: retries from
// go-retryablehttp on top of a transport that adds the version and agent
// headers, with redirects never followed.
func newHTTPClient(cfg Config, assertion assertionSource) *http.Client {
	inner := &http.Client{
		Transport: &headerTransport{base: cfg.Transport, version: cfg.APIVersion, userAgent: cfg.UserAgent,
			assertion: assertion, sensitive: cfg.Sensitive},
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
				cfg.Logger.Warn(req.Context(), "retrying token request", map[string]any{"endpoint": req.URL.Redacted(), "retry": attempt, "retry_limit": cfg.MaxRetries})
			}
		}
		rc.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
			cfg.Logger.Debug(resp.Request.Context(), "token endpoint answered", map[string]any{
				"endpoint": resp.Request.URL.Redacted(), "status": resp.StatusCode,
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

// backoff waits what the server's Retry-After asks (seconds or HTTP date,
// capped at MaxRetryAfter), otherwise min×1.5^attempt with ±25 % jitter,
// capped at max.
//
// It is not go-retryablehttp's DefaultBackoff, which doubles the wait
// without jitter, reads Retry-After only on 429 and 503, does not cap it,
// and reads dates against the package's own time.Now. This policy is the
// one Workiva's SDK documents (0.5 s, ×1.5, 30 s cap); the jitter keeps
// several Terraform runs that were limited together from retrying together;
// the cap keeps a misconfigured Retry-After from stalling a run; and the
// clock is the client's, so tests can move it.
func backoff(clk clock.Clock) retryablehttp.Backoff {
	return func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
		if resp != nil {
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), clk.Now()); ok {
				return min(d, MaxRetryAfter)
			}
		}
		d := float64(minWait) * math.Pow(1.5, float64(attempt))
		d *= 0.75 + rand.Float64()*0.5 //nolint:gosec // jitter needs no cryptographic randomness
		return min(time.Duration(d), maxWait)
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
