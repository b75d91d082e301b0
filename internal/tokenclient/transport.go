package tokenclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/go-cleanhttp"
)

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

// noRedirect stops the client at a 3xx answer: following it would re-send
// the credentials to wherever the Location points.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// headerTransport adds the headers every token request carries and records
// what each answer was (see exchangeRecord).
type headerTransport struct {
	base      http.RoundTripper
	version   string
	userAgent string
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
	rec, _ := req.Context().Value(exchangeRecordKey{}).(*exchangeRecord)
	rec.reset()
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		resp.Body = rec.watch(resp)
	}
	return resp, err
}

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
	if room := maxBodyKept - len(b.rec.head); room > 0 {
		b.rec.head = append(b.rec.head, p[:min(n, room)]...)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		b.rec.readErr = err
	}
	return n, err
}
