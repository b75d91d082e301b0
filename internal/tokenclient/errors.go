package tokenclient

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"golang.org/x/oauth2"

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
	// KindAssertion: the client assertion could not be made (its source,
	// a file say, could not be read); nothing was sent.
	KindAssertion ErrorKind = "assertion"
)

// maxBodySnippet is how much of a non-OAuth2 error body an Error keeps;
// maxBodyKept is how much of a 2xx body the transport keeps for it, so that
// credentials are removed before the body is cut to the snippet.
const (
	maxBodySnippet = 256
	maxBodyKept    = 64 << 10
)

// Error is a failed token request: the facts of what happened, for callers
// to word. Its fields never hold the client secret or a token; the text in
// them that came from the server is as the server sent it (callers escape
// control characters where they show it).
type Error struct {
	Kind     ErrorKind
	TokenURL string
	// StatusCode is the HTTP status; zero when there was no answer.
	StatusCode int
	// Code, Description and URI are the server's OAuth2 error fields
	// (RFC 6749 5.2), when it sent them.
	Code        string
	Description string
	URI         string
	// ContentType and BodySnippet describe a body that carried no OAuth2
	// error (an HTML error page, say).
	ContentType string
	BodySnippet string
	// Location is the redirect target of a 3xx answer, as it may be shown
	// (redact.URL: query values masked).
	Location string
	// Challenge is the WWW-Authenticate header of a 401 answer: how the
	// server wants the client to authenticate.
	Challenge string
	// Withheld names the fields above (FieldDescription, ...) whose text the
	// server sent but which are empty here because the text echoed a
	// credential (Config.Withhold).
	Withheld []string
	// UntrustedCertificate reports that the TLS handshake failed because
	// the endpoint's certificate was not trusted: unknown authority, another
	// host name, or invalid.
	UntrustedCertificate bool
	// Err is the underlying error.
	Err error
}

func (e *Error) Unwrap() error { return e.Err }

// The fields of an Error that hold text from the server, as Withheld names
// them.
const (
	FieldDescription = "description"
	FieldURI         = "uri"
	FieldBody        = "body"
	FieldLocation    = "location"
	FieldChallenge   = "challenge"
)

// withhold empties each field whose text echoes a credential and records
// which, so that no cut, mask or format can leave part of it.
func (e *Error) withhold(carries func(string) bool) {
	for _, f := range []struct {
		name string
		text *string
	}{{FieldDescription, &e.Description}, {FieldURI, &e.URI}, {FieldBody, &e.BodySnippet}, {FieldLocation, &e.Location}, {FieldChallenge, &e.Challenge}} {
		if *f.text != "" && carries(*f.text) {
			*f.text = ""
			e.Withheld = append(e.Withheld, f.name)
		}
	}
}

// Error implements error with the facts on one line.
func (e *Error) Error() string {
	contentType := cmp.Or(e.ContentType, "no content type")
	var b strings.Builder
	fmt.Fprintf(&b, "token request to %s failed: ", e.TokenURL)
	switch e.Kind {
	case KindServer:
		fmt.Fprintf(&b, "HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Code != "" {
			fmt.Fprintf(&b, ", error %q", e.Code)
		}
		if e.Description != "" {
			fmt.Fprintf(&b, ": %s", e.Description)
		}
		if e.URI != "" {
			fmt.Fprintf(&b, " (see %s)", e.URI)
		}
		if e.Location != "" {
			fmt.Fprintf(&b, ", redirect to %s not followed", e.Location)
		}
		if e.BodySnippet != "" {
			fmt.Fprintf(&b, ", %s body: %s", contentType, e.BodySnippet)
		}
		if len(e.Withheld) > 0 {
			fmt.Fprintf(&b, " (%s not shown: it echoes a credential)", strings.Join(e.Withheld, ", "))
		}
	case KindResponse:
		b.WriteString("unusable token response")
		if e.StatusCode != 0 {
			fmt.Fprintf(&b, " (HTTP %d, %s)", e.StatusCode, contentType)
		}
		switch {
		case e.BodySnippet != "":
			fmt.Fprintf(&b, ", body: %s", e.BodySnippet)
		case len(e.Withheld) > 0:
			b.WriteString(", body not shown: it echoes a credential")
		default:
			fmt.Fprintf(&b, ": %v", e.Err)
		}
	case KindTimeout:
		fmt.Fprintf(&b, "no answer within the request timeout: %v", e.Err)
	case KindCanceled:
		fmt.Fprintf(&b, "interrupted: %v", e.Err)
	case KindAssertion:
		fmt.Fprintf(&b, "no client assertion: %v", e.Err)
	default:
		fmt.Fprintf(&b, "%v", e.Err)
	}
	return b.String()
}

// classify turns what x/oauth2 returned into an Error, from what happened:
// the type of x/oauth2's error for answers it refused by status, the
// context, and the transport's record of the last attempt (an answer with a
// 2xx status whose body was read without a transport error is an unusable
// response; anything short of that is a connection failure or a timeout).
func (c *Client) classify(ctx context.Context, err error, rec *exchangeRecord) *Error {
	e := &Error{TokenURL: c.TokenURL(), Err: err}
	status, contentType, head, readErr := rec.snapshot()
	cause := err
	if readErr != nil {
		// x/oauth2 formats a body read error with %v, which unwraps to
		// nothing; the transport kept the error itself.
		cause = readErr
	}
	var re *oauth2.RetrieveError
	var netErr net.Error
	var ae *assertionError
	switch {
	case errors.As(err, &ae):
		e.Kind, e.Err = KindAssertion, ae.err
	case errors.As(err, &re):
		e.Kind = KindServer
		e.Code, e.Description, e.URI = re.ErrorCode, re.ErrorDescription, re.ErrorURI
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
			e.ContentType = re.Response.Header.Get("Content-Type")
			if loc := re.Response.Header.Get("Location"); loc != "" && e.StatusCode >= 300 && e.StatusCode < 400 {
				e.Location = redact.URL(loc)
			}
			if e.StatusCode == http.StatusUnauthorized {
				e.Challenge = re.Response.Header.Get("WWW-Authenticate")
			}
		}
		if e.Code == "" && e.Location == "" {
			// The whole body is checked, so that neither the cut to a
			// snippet nor its whitespace folding can hide an echo.
			if c.cfg.Withhold(string(re.Body)) {
				e.Withheld = append(e.Withheld, FieldBody)
			} else {
				e.BodySnippet = snippet(string(re.Body), e.ContentType)
			}
		}
		// The oauth2 error text embeds the whole body; keep ours short.
		e.Err = errors.New("oauth2: token endpoint returned an error")
	case ctx.Err() != nil:
		e.Kind, e.Err = KindCanceled, ctx.Err()
	case rec.answered2xx():
		e.Kind = KindResponse
		e.StatusCode, e.ContentType = status, contentType
		if looksLikeMarkup(contentType, head) {
			// Only markup is shown: a JSON or form body of a 2xx answer
			// may hold a token. A page is no token response; what the JSON
			// parser made of it is noise.
			e.Err = errMarkup
			if c.cfg.Withhold(string(head)) {
				e.Withheld = append(e.Withheld, FieldBody)
			} else {
				e.BodySnippet = snippet(string(head), contentType)
			}
		}
	case errors.As(cause, &netErr) && netErr.Timeout():
		e.Kind = KindTimeout
	default:
		e.Kind = KindConnection
		e.UntrustedCertificate = untrustedCertificate(cause)
	}
	e.withhold(c.cfg.Withhold)
	return e
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
func looksLikeMarkup(contentType string, head []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/html" || mt == "application/xhtml+xml" || strings.HasSuffix(mt, "/xml") {
		return true
	}
	return strings.HasPrefix(strings.TrimSpace(string(head)), "<")
}

// snippet returns the first bytes of a body as printable text.
func snippet(text, contentType string) string {
	body := []byte(text)
	if len(body) == 0 {
		return "(empty)"
	}
	if mt, _, _ := mime.ParseMediaType(contentType); strings.HasPrefix(mt, "image/") || mt == "application/octet-stream" {
		return fmt.Sprintf("(%d bytes of %s)", len(body), mt)
	}
	b := body
	if len(b) > maxBodySnippet {
		b = b[:maxBodySnippet]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(body) > maxBodySnippet {
		s += " …"
	}
	return s
}
