package httpretry

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrNonASCIIHost marks a URL refused by Canonical because its host is not
// ASCII; the error's text gives the host's IDNA (punycode) form when IDNA
// accepts it, the host net/http would have dialled.
var ErrNonASCIIHost = errors.New("the host is not ASCII")

// NonASCIIHostError is Canonical's refusal of a host that is not ASCII.
type NonASCIIHostError struct {
	// Punycode is the host as net/http would dial it (IDNA's lookup
	// profile, RFC 5891); empty when IDNA refuses it too.
	Punycode string
}

func (e *NonASCIIHostError) Error() string {
	if e.Punycode == "" {
		return "host is not ASCII, and IDNA (RFC 5891) does not accept it as a name; write the host in ASCII"
	}
	return "host is not ASCII; it would be dialled as " + e.Punycode + " (its IDNA form, RFC 5891), " +
		"another name than it reads as: write that form if it is the host you mean"
}

func (e *NonASCIIHostError) Is(target error) bool { return target == ErrNonASCIIHost }

// Canonical is u as every request the provider sends is dialled, and the
// one form every rule about where a request goes compares (Origin): the
// scheme and the host lower-cased (an IPv6 zone, an interface's name, as
// written), the percent-encoding of the host resolved (url.Parse does
// that), the path, query and port as written.
//
// A host that is not ASCII is refused: net/http would dial its IDNA form
// (İ, U+0130, becomes "xn--…", a name of another domain, while a
// lower-casing comparison reads it as "i"), and no endpoint a credential
// goes to needs one; the error shows the form that would be dialled. An
// ASCII host is dialled as written (net/http applies IDNA to non-ASCII names
// only), so lower-casing it names the same host.
func Canonical(u *url.URL) (*url.URL, error) {
	host := u.Hostname()
	if !isASCII(host) {
		e := &NonASCIIHostError{}
		if p, err := idna.Lookup.ToASCII(host); err == nil {
			e.Punycode = p
		}
		return nil, e
	}
	c := *u
	c.Scheme = strings.ToLower(u.Scheme)
	// An IPv6 zone names an interface, whose name's case counts: only what
	// comes before it is lower-cased.
	name, zone, _ := strings.Cut(u.Host, "%")
	if zone != "" || strings.HasSuffix(u.Host, "%") {
		zone = "%" + zone
	}
	c.Host = strings.ToLower(name) + zone
	return &c, nil
}

// Origin is the origin (RFC 6454) of a URL Canonical returned: scheme, host
// and port, the scheme's default port made explicit, so that
// https://host and https://host:443 compare equal.
func Origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	return u.Scheme + "://" + net.JoinHostPort(u.Hostname(), port)
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
