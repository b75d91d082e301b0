package tokenclient

import (
	"fmt"
	"net"
	"net/url"
	"strings"
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
		return nil, fmt.Errorf("token URL %q carries user info; client credentials do not belong in the URL", u.Redacted())
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, fmt.Errorf("token URL %q has a fragment, which RFC 6749 section 3.2 does not allow", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
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

// isLoopbackHost reports whether host is localhost or a loopback IP address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
