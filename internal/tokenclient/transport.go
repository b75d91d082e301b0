package tokenclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// ValidateTokenURL parses a token endpoint URL and checks that it is an
// absolute https URL, or http to a loopback host (127.0.0.0/8, ::1,
// localhost), with no user info and no fragment (RFC 6749 3.2).
func ValidateTokenURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("token URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("token URL %q is not a valid URL: %w", raw, unwrapURLError(err))
	}
	if u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("token URL %q is not an absolute URL; give scheme and host, e.g. https://api.app.wdesk.com/oauth2/token", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("token URL %q carries user info; give credentials as client_id and client_secret instead", u.Redacted())
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, fmt.Errorf("token URL %q has a fragment, which RFC 6749 section 3.2 does not allow", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("token URL %q uses plain http to a host that is not loopback; client credentials and tokens must travel over https (http is allowed only for 127.0.0.0/8, ::1 and localhost)", raw)
		}
	default:
		return nil, fmt.Errorf("token URL %q has scheme %q; use https", raw, u.Scheme)
	}
	return u, nil
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok { //nolint:errorlint // url.Parse returns *url.Error unwrapped
		return ue.Err
	}
	return err
}

// IsLoopbackHost reports whether host is localhost or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newHTTPClient builds the client x/oauth2 uses: retries from
// go-retryablehttp on top of a transport that adds the version and agent
// headers, with redirects never followed (they would re-send credentials).
func newHTTPClient(cfg Config, counter *atomic.Int64) *http.Client {
	base := cfg.Transport
	inner := &http.Client{
		Transport:     &headerTransport{base: base, version: cfg.APIVersion, userAgent: cfg.UserAgent, counter: counter},
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
		Backoff:      backoff,
		// Hand the last response to x/oauth2 so that the error it builds
		// carries the server's status and body.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if cfg.Logger != nil {
		rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				cfg.Logger.Warn(req.Context(), "retrying token request", map[string]any{"token_url": req.URL.Redacted(), "retry": attempt, "max_retries": cfg.MaxRetries})
			}
		}
		rc.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
			cfg.Logger.Debug(resp.Request.Context(), "token endpoint answered", map[string]any{
				"token_url": resp.Request.URL.Redacted(), "status": resp.StatusCode,
				"content_type": resp.Header.Get("Content-Type"), "retry_after": resp.Header.Get("Retry-After"),
			})
		}
	}
	return &http.Client{
		Transport:     &retryablehttp.RoundTripper{Client: rc},
		CheckRedirect: noRedirect,
	}
}

// ErrNoCertificates is returned by New when CACertPEM holds no certificate.
var ErrNoCertificates = errors.New("the CA certificate PEM holds no usable certificate; give one or more -----BEGIN CERTIFICATE----- blocks")

// defaultTransport is a pooled transport that honours HTTPS_PROXY and
// NO_PROXY, trusting the system's CAs plus those in caPEM.
func defaultTransport(caPEM string) (*http.Transport, error) {
	t := cleanhttp.DefaultPooledTransport()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if strings.TrimSpace(caPEM) == "" {
		return t, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM([]byte(caPEM)) {
		return nil, ErrNoCertificates
	}
	t.TLSClientConfig.RootCAs = pool
	return t, nil
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

type headerTransport struct {
	base      http.RoundTripper
	version   string
	userAgent string
	counter   *atomic.Int64
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Accept", "application/json")
	if t.version != "" {
		req.Header.Set("X-Version", t.version)
	}
	if t.userAgent != "" {
		req.Header.Set("User-Agent", t.userAgent)
	}
	t.counter.Add(1)
	resp, err := t.base.RoundTrip(req)
	if info, ok := req.Context().Value(responseInfoKey{}).(*responseInfo); ok && err == nil {
		resp.Body = info.capture(resp)
	}
	return resp, err
}

// responseInfoKey carries a *responseInfo in a request context, so that an
// error about an unusable answer can say what the answer was.
type responseInfoKey struct{}

// responseInfo is the status, content type and first bytes of the last
// response to a token request.
type responseInfo struct {
	mu          sync.Mutex
	status      int
	contentType string
	head        []byte
}

func (i *responseInfo) capture(resp *http.Response) io.ReadCloser {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.status, i.contentType, i.head = resp.StatusCode, resp.Header.Get("Content-Type"), nil
	return &capturingBody{ReadCloser: resp.Body, info: i}
}

func (i *responseInfo) snapshot() (int, string, []byte) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.status, i.contentType, slices.Clone(i.head)
}

type capturingBody struct {
	io.ReadCloser
	info *responseInfo
}

func (b *capturingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.info.mu.Lock()
	if room := maxBodySnippet + 1 - len(b.info.head); room > 0 {
		b.info.head = append(b.info.head, p[:min(n, room)]...)
	}
	b.info.mu.Unlock()
	return n, err
}

// retryPolicy retries 429, 500, 502, 503 and 504, and connection errors
// that may pass (not TLS certificate or URL errors); it stops at once when
// the context ends.
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
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

// backoff waits what the server's Retry-After asks (seconds or HTTP date,
// capped at MaxRetryAfter), otherwise min×1.5^attempt with ±25 % jitter,
// capped at max.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, MaxRetryAfter)
		}
	}
	d := float64(minWait) * math.Pow(1.5, float64(attempt))
	d *= 0.75 + rand.Float64()*0.5 //nolint:gosec // jitter needs no cryptographic randomness
	return min(time.Duration(d), maxWait)
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
