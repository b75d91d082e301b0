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
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// ErrorKind classifies a failed token request.
type ErrorKind string

// Error kinds.
const (
	// KindServer: the endpoint answered with an error status or an OAuth2
	// error body.
	KindServer ErrorKind = "server"
	// KindResponse: the endpoint answered 2xx with a body that is not a
	// usable token response.
	KindResponse ErrorKind = "response"
	// KindConnection: no answer (refused, DNS, TLS, reset).
	KindConnection ErrorKind = "connection"
	// KindTimeout: no answer within the request timeout.
	KindTimeout ErrorKind = "timeout"
	// KindCanceled: the caller's context ended (Terraform was interrupted).
	KindCanceled ErrorKind = "canceled"
)

// maxBodySnippet is how much of a non-OAuth2 error body an Error keeps.
const maxBodySnippet = 256

// Error is a failed token request. Its fields never hold the client secret
// or a token.
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
	// Location is the redirect target of a 3xx answer.
	Location string
	// Err is the underlying error.
	Err error
}

func (e *Error) Unwrap() error { return e.Err }

// Error implements error with a one-line summary.
func (e *Error) Error() string { return "token request to " + e.TokenURL + " failed: " + e.Summary() }

// Summary says what happened, without the URL.
func (e *Error) Summary() string {
	switch e.Kind {
	case KindServer:
		s := fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Code != "" {
			s += fmt.Sprintf(", error %q", e.Code)
		}
		if e.Description != "" {
			s += fmt.Sprintf(": %s", e.Description)
		}
		if e.URI != "" {
			s += fmt.Sprintf(" (see %s)", e.URI)
		}
		if e.Location != "" {
			s += fmt.Sprintf(", redirect to %s not followed", e.Location)
		}
		if e.Code == "" && e.Location == "" && e.BodySnippet != "" {
			s += fmt.Sprintf(", %s body: %s", orUnknown(e.ContentType), e.BodySnippet)
		}
		return s
	case KindResponse:
		s := "unusable token response"
		if e.StatusCode != 0 {
			s += fmt.Sprintf(" (HTTP %d, %s)", e.StatusCode, orUnknown(e.ContentType))
		}
		if e.BodySnippet != "" {
			return s + ", body: " + e.BodySnippet
		}
		return s + ": " + errString(e.Err)
	case KindTimeout:
		return "no answer within the request timeout: " + errString(e.Err)
	case KindCanceled:
		return "interrupted: " + errString(e.Err)
	default:
		return errString(e.Err)
	}
}

// Hint says what to check next, for a person reading a diagnostic.
func (e *Error) Hint() string {
	switch e.Kind {
	case KindServer:
		switch e.Code {
		case "invalid_client", "unauthorized_client":
			return "Check client_id and client_secret (or WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET): the secret of a Workiva API grant is shown once and changes when it is regenerated or the grant's username changes. Also check that the grant has not expired and that this machine's address is in the grant's IP restrictions."
		case "invalid_scope":
			return "Check the requested scopes against the scopes of the API grant (Organization Admin > Security > Provisioning in Workiva); scopes are case-sensitive."
		case "unsupported_grant_type":
			return "The endpoint does not accept the client_credentials grant; check that token_url is an OAuth2 client-credentials token endpoint."
		case "invalid_request":
			return "The endpoint rejected the request's form; check auth_style (header or body) and api_version against what the endpoint expects."
		case "access_denied":
			return "The grant may not use the requested scopes or the request came from an address outside the grant's IP restrictions."
		}
		switch {
		case e.Location != "":
			return "Token requests never follow redirects, because that would re-send the credentials. Set token_url to the final address."
		case e.StatusCode == http.StatusNotFound:
			return "Check token_url and api_version: Workiva's current endpoint /oauth2/token needs api_version \"2026-01-01\"; the legacy /iam/v1/oauth2/token needs api_version = \"\"."
		case e.StatusCode == http.StatusTooManyRequests:
			return "The endpoint is rate limiting; retries were exhausted. Raise max_retries or run fewer Terraform operations at once."
		case e.StatusCode >= 500:
			return "The endpoint had a server-side failure and retries were exhausted; try again later or raise max_retries."
		case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
			return "Check client_id, client_secret and auth_style, and that the grant allows this machine's address."
		}
		return "Check token_url, auth_style and api_version against what the endpoint expects."
	case KindResponse:
		return "The endpoint's answer is not an RFC 6749 token response; check that token_url points at an OAuth2 token endpoint."
	case KindTimeout:
		return "Check that token_url is reachable from this machine (proxy settings: HTTPS_PROXY, NO_PROXY) or raise request_timeout."
	case KindCanceled:
		return "Terraform was interrupted before the token endpoint answered."
	default:
		if e.certificateProblem() {
			return "The token endpoint's TLS certificate is not trusted. If a private CA signed it, give that CA's certificate in ca_cert_pem; otherwise check that token_url names the right host."
		}
		return "Check that token_url is reachable from this machine and its host name resolves (proxy settings: HTTPS_PROXY, NO_PROXY)."
	}
}

func (e *Error) certificateProblem() bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	return errors.As(e.Err, &unknownAuthority) || errors.As(e.Err, &hostname) || errors.As(e.Err, &invalid) || errors.As(e.Err, &verify)
}

func orUnknown(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

func (c *Client) wrapError(ctx context.Context, err error, info *responseInfo) *Error {
	e := &Error{TokenURL: c.TokenURL(), Err: err}
	var re *oauth2.RetrieveError
	var netErr net.Error
	switch {
	case errors.As(err, &re):
		e.Kind = KindServer
		e.Code, e.Description, e.URI = re.ErrorCode, re.ErrorDescription, re.ErrorURI
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
			e.ContentType = re.Response.Header.Get("Content-Type")
			if e.StatusCode >= 300 && e.StatusCode < 400 {
				e.Location = re.Response.Header.Get("Location")
			}
		}
		if e.Code == "" {
			e.BodySnippet = snippet(re.Body, e.ContentType)
		}
		// The oauth2 error text embeds the whole body; keep ours short.
		e.Err = errors.New("oauth2: token endpoint returned an error")
	case ctx.Err() != nil:
		e.Kind, e.Err = KindCanceled, ctx.Err()
	case errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = KindTimeout
	case errors.Is(err, errBadExpiresIn) || strings.HasPrefix(err.Error(), "oauth2: "):
		// x/oauth2 reports unusable 2xx answers (no access_token, a body
		// that does not parse) as plain errors starting with "oauth2: ".
		e.Kind = KindResponse
		status, ct, head := info.snapshot()
		e.StatusCode, e.ContentType = status, ct
		if looksLikeMarkup(ct, head) {
			// Only markup is shown: a JSON or form body of a 2xx answer
			// may hold a token.
			e.BodySnippet = snippet(head, ct)
		}
	default:
		e.Kind = KindConnection
	}
	return e
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
func snippet(body []byte, contentType string) string {
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
