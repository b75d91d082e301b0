package workload

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// request is one request to a CI system's endpoint. A metadata request
// (Google Cloud's) goes over plain http to the link-local metadata server,
// as Google's own clients send it: never through a proxy, and its answer
// must say it came from the metadata server. Every other request carries
// a credential, and follows the token requests' rule: https, or http to
// loopback (httpretry.Secure).
type request struct {
	method, url string
	header      map[string]string
	// variable is the environment variable that named url.
	variable string
	metadata bool
}

// defaultTimeout bounds each request and each file read of a source
// without Timeout.
const defaultTimeout = 30 * time.Second

// maxAnswer bounds what is read of a CI endpoint's answer.
const maxAnswer = 1 << 20

// defaultTransport carries every source's requests when Source.Transport
// is nil: one pool of connections for the process, which honours
// HTTPS_PROXY and NO_PROXY, rather than a new pool for every fetch.
// metadataTransport is the one of metadata requests: without a proxy.
var (
	defaultTransport  http.RoundTripper = cleanhttp.DefaultPooledTransport()
	metadataTransport                   = func() *http.Transport {
		t := cleanhttp.DefaultPooledTransport()
		t.Proxy = nil
		return t
	}()
)

func (s Source) fetch(ctx context.Context, r request) ([]byte, error) {
	shown := redact.URL(r.url)
	fail := func(problem string) *FetchError {
		return &FetchError{Kind: s.Kind, URL: shown, Problem: problem, Variable: r.variable}
	}
	u, err := url.Parse(r.url)
	if err != nil || u.Host == "" {
		e := fail(ProblemAnswer)
		e.Err = errors.New("the URL is not valid")
		return nil, e
	}
	// The URL as it is dialled (httpretry.Canonical), which is what the
	// rules below judge and what is sent to.
	if u, err = httpretry.Canonical(u); err != nil {
		e := fail(ProblemHost)
		e.Err = err
		return nil, e
	}
	if !r.metadata && !httpretry.Secure(u) {
		return nil, fail(ProblemInsecure)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, u.String(), nil)
	if err != nil {
		e := fail(ProblemAnswer)
		e.Err = errors.New("the URL is not valid")
		return nil, e
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	transport := cmp.Or(s.Transport, defaultTransport)
	if r.metadata && s.Transport == nil {
		transport = metadataTransport
	}
	// Retried as token requests are (internal/httpretry), and never
	// redirected.
	rc := httpretry.New(httpretry.Options{Transport: transport, Timeout: cmp.Or(s.Timeout, defaultTimeout),
		MaxRetries: s.MaxRetries, Clock: s.Clock})
	resp, err := rc.Do(req)
	if err != nil {
		e := fail(ProblemTransport)
		e.Op, e.Cause, e.Err = transportCause(err)
		return nil, e
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	switch {
	case err != nil:
		e := fail(ProblemTransport)
		e.Op, e.Cause, e.Err = transportCause(err)
		e.Op = r.method
		return nil, e
	case r.metadata && resp.Header.Get("Metadata-Flavor") != "Google":
		return nil, fail(ProblemNotMetadata)
	case resp.StatusCode != http.StatusOK:
		e := fail(ProblemAnswer)
		e.StatusCode = resp.StatusCode
		return nil, e
	}
	return body, nil
}

// transportCause is httpretry.TransportCause, the cause as what it is:
// untrusted text.
func transportCause(err error) (op string, cause redact.Untrusted, inner error) {
	op, inner = httpretry.TransportCause(err)
	return op, redact.UntrustedError(inner), inner
}

// validHostPort reports whether s is a host name or IP address with an
// optional port, and nothing else (no scheme, user info, path or query).
func validHostPort(s string) bool {
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
	}
	if net.ParseIP(host) != nil {
		return true
	}
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}
