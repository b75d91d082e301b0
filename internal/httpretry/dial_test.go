package httpretry_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
)

// Canonical lower-cases the scheme and the host, keeps an IPv6 zone (an
// interface's name) as written, and refuses a host that is not ASCII with
// the form net/http would dial.
func TestCanonical(t *testing.T) {
	for _, tc := range []struct{ raw, want, err string }{
		{"HTTPS://Login.Example.COM:8443/Path?Q=V", "https://login.example.com:8443/Path?Q=V", ""},
		{"https://[FE80::1%25Eth0]:8443/t", "https://[fe80::1%25Eth0]:8443/t", ""},
		{"https://logİn.example.com/t", "", "dialled as xn--login-bgd.example.com"},
		{"https://log%C4%B0n.example.com/t", "", "dialled as xn--login-bgd.example.com"},
	} {
		u, err := url.Parse(tc.raw)
		if err != nil {
			t.Fatal(err)
		}
		c, err := httpretry.Canonical(u)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, httpretry.ErrNonASCIIHost)):
			t.Errorf("Canonical(%q) error = %v, want %q", tc.raw, err, tc.err)
		case tc.err == "" && (err != nil || c.String() != tc.want):
			t.Errorf("Canonical(%q) = %v, %v; want %q", tc.raw, c, err, tc.want)
		}
	}
}
