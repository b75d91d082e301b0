package tokenclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// defaultTransport is a pooled transport that honours HTTPS_PROXY and
// NO_PROXY, trusting the system's CAs plus those in caPEM, and presenting
// the client certificate when one is given.
func defaultTransport(caPEM, certPEM, keyPEM string) (*http.Transport, error) {
	t := cleanhttp.DefaultPooledTransport()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if certPEM != "" {
		cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrClientCertificate, err) //nolint:errorlint // the parse error is detail
		}
		t.TLSClientConfig.Certificates = []tls.Certificate{cert}
	}
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

// headerTransport adds the headers every token request carries, puts a
// fresh client assertion into each request that needs one, and records what
// each answer was (see exchangeRecord).
type headerTransport struct {
	base      http.RoundTripper
	version   string
	userAgent string
	assertion assertionSource
	subject   assertionSource
	sensitive func(...string)
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if (t.assertion != nil || t.subject != nil) && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		text := string(body)
		for _, fill := range []struct {
			placeholder string
			source      assertionSource
		}{{assertionPlaceholder, t.assertion}, {subjectPlaceholder, t.subject}} {
			var value string
			if text, value, err = withAssertion(req.Context(), text, fill.placeholder, fill.source); err != nil {
				return nil, &assertionError{err}
			}
			if value != "" && t.sensitive != nil {
				t.sensitive(value)
			}
		}
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(text)), int64(len(text))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }
	}
	req.Header.Set("Accept", "application/json")
	if t.version != "" {
		req.Header.Set("X-Version", t.version)
	}
	if t.userAgent != "" {
		req.Header.Set("User-Agent", t.userAgent)
	}
	rec, _ := req.Context().Value(exchangeRecordKey{}).(*exchangeRecord)
	rec.reset()
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		resp.Body = rec.watch(resp)
	}
	return resp, err
}

// assertionError is a client assertion that could not be made: it is not
// retried, and its kind is KindAssertion.
type assertionError struct{ err error }

func (e *assertionError) Error() string { return "client assertion: " + e.err.Error() }
func (e *assertionError) Unwrap() error { return e.err }

// exchangeRecordKey carries an *exchangeRecord in a request context.
type exchangeRecordKey struct{}

// exchangeRecord is what the transport saw of the last attempt of a token
// request: whether an answer arrived, its status and content type, its
// first bytes, and whether reading its body failed. A failed request is
// classified from this record, not from the wording of x/oauth2's errors.
type exchangeRecord struct {
	mu          sync.Mutex
	status      int // 0: no answer
	contentType string
	head        []byte
	readErr     error // a transport error while reading the body
}

func (r *exchangeRecord) reset() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.contentType, r.head, r.readErr = 0, "", nil, nil
}

func (r *exchangeRecord) watch(resp *http.Response) io.ReadCloser {
	if r == nil {
		return resp.Body
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.contentType = resp.StatusCode, resp.Header.Get("Content-Type")
	return &watchedBody{ReadCloser: resp.Body, rec: r}
}

// answered2xx reports whether a 2xx answer arrived and its body was read
// without a transport error: whatever was wrong then was the answer itself.
func (r *exchangeRecord) answered2xx() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status >= 200 && r.status < 300 && r.readErr == nil
}

func (r *exchangeRecord) snapshot() (status int, contentType string, head []byte, readErr error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status, r.contentType, slices.Clone(r.head), r.readErr
}

type watchedBody struct {
	io.ReadCloser
	rec *exchangeRecord
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	if room := redact.Kept - len(b.rec.head); room > 0 {
		b.rec.head = append(b.rec.head, p[:min(n, room)]...)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		b.rec.readErr = err
	}
	return n, err
}
