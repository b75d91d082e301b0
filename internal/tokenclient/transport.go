package tokenclient

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/go-cleanhttp"
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

// assertionError is a client assertion or subject token that could not be
// made: go-retryablehttp returns it from the body function at once, so it
// is not retried and nothing is sent; its kind is KindNotSent.
type assertionError struct{ err error }

func (e *assertionError) Error() string { return "client assertion: " + e.err.Error() }
func (e *assertionError) Unwrap() error { return e.err }
