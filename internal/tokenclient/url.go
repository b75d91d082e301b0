package tokenclient

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// ValidateTokenURL parses a token endpoint URL and checks that it is an
// absolute https URL, or http to a loopback host (127.0.0.0/8, ::1,
// localhost), with no user info and no fragment (RFC 6749 3.2), and an
// ASCII host. It returns the URL as it is dialled (httpretry.Canonical):
// what the client sends to and what every rule about where a credential
// may go compares. Its errors say which rule the value breaks and never
// repeat the value, which may hold a credential (user info, a key in the
// query, a password that made it unparsable).
func ValidateTokenURL(raw string) (*url.URL, error) { return validateEndpoint(raw, "the token URL") }

// ValidateRevocationURL checks a revocation endpoint URL as
// ValidateTokenURL checks a token endpoint's.
func ValidateRevocationURL(raw string) (*url.URL, error) {
	return validateEndpoint(raw, "the revocation URL")
}

// ValidateAPIURL checks the base URL of an API that tokens are presented
// to (workiva_api_proxy's upstream) as ValidateTokenURL checks a token
// endpoint's, and that it has no query: a request's path and query are
// put after it.
func ValidateAPIURL(raw string) (*url.URL, error) {
	u, err := validateEndpoint(raw, "the API URL")
	if err == nil && (u.RawQuery != "" || u.ForceQuery) {
		return nil, credentialURLError{"the API URL has a query (?...); give the base URL the requests' paths follow", nil}
	}
	return u, err
}

// validateEndpoint is ValidateTokenURL for a URL that what names ("the
// token URL", "the issuer").
func validateEndpoint(raw, what string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New(what + " is empty")
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, errors.New(what + " holds a control character (a line break, say)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, credentialURLError{what + " does not parse as a URL: " + urlRule(err), nil}
	}
	if u.User != nil || strings.Contains(u.Host, "@") {
		return nil, credentialURLError{what + " carries user info (a name or password before @); client credentials do not belong in the URL", ErrUserInfo}
	}
	// A URL with a query may carry a key there (?code=): its refusal is
	// marked so that callers do not point at where it is written either.
	refuse := func(msg string) error {
		if u.RawQuery != "" || u.ForceQuery {
			return credentialURLError{msg, nil}
		}
		return errors.New(msg)
	}
	if u.Scheme == "" || u.Host == "" {
		return nil, refuse(what + " is not an absolute URL; give scheme and host, e.g. " + examples[what])
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, refuse(what + " has a fragment (#...), which " + fragmentRule[what] + " does not allow")
	}
	dialled, err := httpretry.Canonical(u)
	if err != nil {
		return nil, refuse(what + "'s " + err.Error())
	}
	u = dialled
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !httpretry.Secure(u) {
			return nil, refuse(what + " " + redact.ShowURL(u) + " uses plain http to a host that is not loopback; client credentials and tokens must travel over https (http is allowed only for 127.0.0.0/8, ::1 and localhost)")
		}
	default:
		return nil, refuse(fmt.Sprintf("%s has scheme %q; use https", what, redact.Printable(u.Scheme)))
	}
	return u, nil
}

// fragmentRule is the rule that forbids a fragment in each kind of URL.
//
//nolint:gosec // the names of rules, not credentials
var fragmentRule = map[string]string{"the token URL": "RFC 6749 section 3.2", "the issuer": "RFC 8414 section 2",
	"the revocation URL": "RFC 7009 section 2", "the API URL": "a base URL"}

// examples are URLs of each kind validateEndpoint checks.
//
//nolint:gosec // example URLs, not credentials
var examples = map[string]string{"the token URL": "https://api.app.wdesk.com/oauth2/token", "the issuer": "https://idp.example.com/tenants/acme",
	"the revocation URL": "https://idp.example.com/oauth2/revoke", "the API URL": "https://api.app.wdesk.com"}

// ErrURLMayHoldCredential marks the refusal of an endpoint URL (token URL,
// issuer, revocation URL) that may hold a credential (user info, a query,
// or a value that does not parse): callers do not show it, nor point at
// where it is written.
var ErrURLMayHoldCredential = errors.New("the token URL may hold a credential")

// ErrUserInfo marks an endpoint URL refused for its user info.
var ErrUserInfo = errors.New("the token URL carries user info")

// credentialURLError is an error of ValidateTokenURL that is
// ErrURLMayHoldCredential, and also kind when that is set.
type credentialURLError struct {
	msg  string
	kind error
}

func (e credentialURLError) Error() string { return e.msg }
func (e credentialURLError) Is(target error) bool {
	return target == ErrURLMayHoldCredential || e.kind != nil && target == e.kind
}

// urlRule says which rule of URL syntax a parse error reports, without the
// text it quotes.
func urlRule(err error) string {
	var escape url.EscapeError
	var host url.InvalidHostError
	switch {
	case errors.As(err, &escape):
		return "a % is not followed by two hexadecimal digits (write a literal % as %25)"
	case errors.As(err, &host):
		return "the host holds a character a host name may not have"
	}
	return "it breaks URL syntax (RFC 3986)"
}

// Origin is the origin (RFC 6454: scheme, host, port) of an endpoint URL as
// the client dials it (httpretry.Canonical, httpretry.Origin); false when
// the URL is not one the client would send to.
func Origin(raw string) (string, bool) {
	u, err := validateEndpoint(raw, "the token URL")
	if err != nil {
		return "", false
	}
	return httpretry.Origin(u), true
}
