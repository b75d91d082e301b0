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

// How much of a server's text an Error keeps: maxBodySnippet bytes of a
// body that carries no OAuth2 error, maxFieldShown of a description, URI
// or header. echoScan is how far past that a text is searched for an echo
// of a credential, so that one that begins in the part shown is found
// whole however it is encoded (an entity per byte is six times as long);
// maxBodyKept is how much of a 2xx body the transport keeps for both.
const (
	maxBodySnippet = 256
	maxFieldShown  = 1024
	echoScan       = 32 << 10
	maxBodyKept    = maxBodySnippet + echoScan
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

// keep sets each field to the part of its text that is shown, or empties
// it and records it in Withheld when that part, or what follows it within
// echoScan bytes, echoes a credential: no cut, mask or format can then
// leave part of one. body is the raw body to show a snippet of in
// BodySnippet, nil when none is shown.
func (e *Error) keep(carries func(string) bool, body *string) {
	echoes := func(text string, shown int) bool { return carries(text[:min(len(text), shown+echoScan)]) }
	for _, f := range []struct {
		name string
		text *string
	}{{FieldDescription, &e.Description}, {FieldURI, &e.URI}, {FieldLocation, &e.Location}, {FieldChallenge, &e.Challenge}} {
		switch {
		case *f.text == "":
		case echoes(*f.text, maxFieldShown):
			*f.text = ""
			e.Withheld = append(e.Withheld, f.name)
		default:
			*f.text = cut(*f.text, maxFieldShown)
		}
	}
	switch {
	case body == nil:
	case echoes(*body, maxBodySnippet):
		e.Withheld = append(e.Withheld, FieldBody)
	default:
		e.BodySnippet = snippet(*body, e.ContentType)
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
	var body *string // the body to show a snippet of, if any
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
			shown := string(re.Body)
			body = &shown
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
			shown := string(head)
			body = &shown
		}
	case errors.As(cause, &netErr) && netErr.Timeout():
		e.Kind = KindTimeout
	default:
		e.Kind = KindConnection
		e.UntrustedCertificate = untrustedCertificate(cause)
	}
	e.keep(c.cfg.Withhold, body)
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

// snippet returns the first maxBodySnippet bytes of a body, its white
// space folded.
func snippet(text, contentType string) string {
	if text == "" {
		return "(empty)"
	}
	if mt, _, _ := mime.ParseMediaType(contentType); strings.HasPrefix(mt, "image/") || mt == "application/octet-stream" {
		return fmt.Sprintf("(%d bytes of %s)", len(text), mt)
	}
	return strings.Join(strings.Fields(cut(text, maxBodySnippet)), " ")
}

// cut returns text cut to at most n bytes at a character boundary, with an
// ellipsis when it was cut.
func cut(text string, n int) string {
	if len(text) <= n {
		return text
	}
	b := []byte(text[:n])
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return string(b) + " …"
}
