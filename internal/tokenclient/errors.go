package tokenclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// ErrorKind classifies a failed token request.
type ErrorKind string

// Error kinds.
const (
	// KindServer: the endpoint answered with an error status or an OAuth2
	// error body.
	KindServer ErrorKind = "server"
	// KindResponse: the endpoint answered 2xx, and the body, read in full,
	// is not a usable token response.
	KindResponse ErrorKind = "response"
	// KindConnection: no complete answer (refused, DNS, TLS, a connection
	// reset before or while the body was read).
	KindConnection ErrorKind = "connection"
	// KindTimeout: no answer within the request timeout.
	KindTimeout ErrorKind = "timeout"
	// KindCanceled: the caller's context ended (Terraform was interrupted).
	KindCanceled ErrorKind = "canceled"
	// KindNotSent: a credential the request carries could not be made
	// or read (the client assertion, the grant's subject token, the client
	// secret from its file: SecretFileError); nothing was sent.
	KindNotSent ErrorKind = "not sent"
)

// Error is a failed token request: the facts of what happened, for callers
// to word. Its fields never hold the client secret or a token. What the
// server or the transport supplied is redact.Untrusted: it cannot be
// formatted raw, and callers show it through redact.Output.Show, which
// bounds it, makes it UTF-8 and withholds it whole when it echoes a
// credential. A string field tagged shown:"ours" holds text the client
// wrote (the provider's tests check that no other string field is shown).
type Error struct {
	Kind ErrorKind
	// Endpoint is the endpoint the request went to (the token endpoint, or
	// the revocation endpoint of a revocation), as it may be shown
	// (redact.ShowURL: query values masked).
	Endpoint string `shown:"ours"`
	// StatusCode is the HTTP status; zero when there was no answer.
	StatusCode int
	// Code, Description and URI are the server's OAuth2 error fields
	// (RFC 6749 5.2), when it sent them.
	Code        redact.Untrusted
	Description redact.Untrusted
	URI         redact.Untrusted
	// ContentType and Body describe an answer that carried no OAuth2 error
	// (an HTML error page, say; a 2xx answer's body only when it is a
	// page, since a JSON or form body of a 2xx answer may hold a token).
	// BinaryBody reports a body of an image or octet-stream type, of
	// BodyLen bytes, which is not worth showing.
	ContentType redact.Untrusted
	Body        redact.Untrusted
	BinaryBody  bool
	BodyLen     int
	// Location is the redirect target of a 3xx answer, its query values
	// masked (redact.URL).
	Location redact.Untrusted
	// Challenge is the WWW-Authenticate header of a 401 answer: how the
	// server wants the client to authenticate.
	Challenge redact.Untrusted
	// Op is the HTTP method of a request that got no answer (a connection
	// or a timeout), and Cause the transport's or the parser's own words
	// for what went wrong, without the request URL (net/http's *url.Error
	// quotes it raw, query and all).
	Op    string `shown:"ours"`
	Cause redact.Untrusted
	// UntrustedCertificate reports that the TLS handshake failed because
	// the endpoint's certificate was not trusted: unknown authority, another
	// host name, or invalid.
	UntrustedCertificate bool
	// Err is the underlying error, for errors.Is and errors.As. Its text is
	// Cause's: not to be shown any other way.
	Err error
}

func (e *Error) Unwrap() error { return e.Err }

// Error implements error with the facts on one line; what the server or
// the transport said is left out (redact.Placeholder).
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "token request to %s failed: ", e.Endpoint)
	switch e.Kind {
	case KindServer:
		fmt.Fprintf(&b, "HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if !e.Code.IsZero() {
			fmt.Fprintf(&b, ", error %v", e.Code)
		}
	case KindResponse:
		fmt.Fprintf(&b, "unusable token response (HTTP %d): %v", e.StatusCode, e.Cause)
	case KindTimeout:
		fmt.Fprintf(&b, "%s: no answer within the request timeout", e.Op)
	case KindCanceled:
		b.WriteString("interrupted")
	case KindNotSent:
		fmt.Fprintf(&b, "not sent, a credential could not be made or read: %v", e.Cause)
	default:
		fmt.Fprintf(&b, "%s: could not connect: %v", e.Op, e.Cause)
	}
	return b.String()
}

// noAnswer is the Error of a request that got no complete answer, from
// what happened: the client assertion or subject token could not be made
// (nothing was sent), the caller's context ended, the request timed out,
// or the connection failed (refused, DNS, TLS, reset while the body was
// read).
func (c *Client) noAnswer(ctx context.Context, err error) *Error {
	e := &Error{Endpoint: c.TokenURL(), Err: err}
	var ae *assertionError
	switch {
	case errors.As(err, &ae):
		return c.NotSent(ae.err)
	case ctx.Err() != nil:
		e.Kind, e.Err = KindCanceled, ctx.Err()
	case isTimeout(err):
		e.Kind = KindTimeout
		e.Op, e.Cause = transportCause(err)
	default:
		e.Kind = KindConnection
		e.Op, e.Cause = transportCause(err)
		e.UntrustedCertificate = untrustedCertificate(err)
	}
	return e
}

// isTimeout reports whether a request got no answer within its timeout.
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// NotSent is the Error of a token request not sent because a credential it
// carries could not be made or read (err: the assertion's, the subject
// token's, the secret file's): KindNotSent.
func (c *Client) NotSent(err error) *Error {
	return &Error{Kind: KindNotSent, Endpoint: c.TokenURL(), Err: err, Cause: redact.UntrustedError(err)}
}

// refused is the Error of an answer that is an OAuth2 error (RFC 6749
// 5.2), or any answer with a status outside 2xx: the server's fields, its
// redirect target or its challenge, and the body when it holds no error
// code.
func (c *Client) refused(resp *http.Response, r response, body []byte) *Error {
	contentType := resp.Header.Get("Content-Type")
	e := &Error{Kind: KindServer, Endpoint: c.TokenURL(), StatusCode: resp.StatusCode,
		Code: redact.UntrustedText(r.errorCode), Description: redact.UntrustedText(r.errorDescription), URI: redact.UntrustedText(r.errorURI),
		ContentType: redact.UntrustedText(contentType), Err: errTokenEndpoint}
	if loc := resp.Header.Get("Location"); loc != "" && e.StatusCode >= 300 && e.StatusCode < 400 {
		e.Location = redact.UntrustedText(redact.URL(loc))
	}
	if e.StatusCode == http.StatusUnauthorized {
		e.Challenge = redact.UntrustedText(resp.Header.Get("WWW-Authenticate"))
	}
	if r.errorCode == "" && e.Location.IsZero() {
		e.setBody(body, contentType)
	}
	return e
}

// errTokenEndpoint is the cause of an OAuth2 error answer.
var errTokenEndpoint = errors.New("the token endpoint answered with an error")

// unusable is the Error of a 2xx answer, read in full, that is no usable
// token response. Only a page is shown of its body: a JSON or form body of
// a 2xx answer may hold a token. A page is no token response; what the
// JSON parser made of it is noise.
func (c *Client) unusable(status int, contentType string, body []byte, err error) *Error {
	e := &Error{Kind: KindResponse, Endpoint: c.TokenURL(), StatusCode: status, ContentType: redact.UntrustedText(contentType),
		Cause: redact.UntrustedError(err), Err: err}
	if looksLikeMarkup(contentType, body) {
		e.Err, e.Cause = errMarkup, redact.UntrustedError(errMarkup)
		e.setBody(body, contentType)
	}
	return e
}

// transportCause is httpretry.TransportCause, the cause as what it is:
// untrusted text.
func transportCause(err error) (op string, cause redact.Untrusted) {
	op, inner := httpretry.TransportCause(err)
	return op, redact.UntrustedError(inner)
}

// setBody keeps the body of an answer that carried no OAuth2 error.
func (e *Error) setBody(body []byte, contentType string) {
	if mt, _, _ := mime.ParseMediaType(contentType); strings.HasPrefix(mt, "image/") || mt == "application/octet-stream" {
		e.BinaryBody, e.BodyLen = true, len(body)
		return
	}
	e.Body, e.BodyLen = redact.UntrustedBytes(body), len(body)
}

// errMarkup is the cause of a 2xx answer that is an HTML or XML page.
var errMarkup = errors.New("the endpoint answered with a page, not a token response")

func untrustedCertificate(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify)
}

// looksLikeMarkup reports whether a body is an HTML or XML page rather than
// a token response.
func looksLikeMarkup(contentType string, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/html" || mt == "application/xhtml+xml" || strings.HasSuffix(mt, "/xml") {
		return true
	}
	return strings.HasPrefix(strings.TrimSpace(string(body[:min(len(body), redact.Kept)])), "<")
}
