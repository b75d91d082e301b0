package tokenclient_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

func TestValidateTokenURL(t *testing.T) {
	cases := []struct {
		url  string
		ok   bool
		want string
	}{
		{"https://api.app.wdesk.com/oauth2/token", true, ""},
		{"https://example.com/configapi/v2/oauth/token", true, ""},
		{"https://example.com/token?tenant=a", true, ""},
		{"http://127.0.0.1:8080/oauth2/token", true, ""},
		{"http://127.1.2.3/oauth2/token", true, ""},
		{"http://[::1]:9000/oauth2/token", true, ""},
		{"http://localhost:9000/oauth2/token", true, ""},
		{"HTTPS://API.APP.WDESK.COM/oauth2/token", true, ""},
		{"http://api.app.wdesk.com/oauth2/token", false, "plain http"},
		{"http://10.0.0.1/oauth2/token", false, "plain http"},
		{"http://localhost.example.com/token", false, "plain http"},
		{"ftp://example.com/token", false, "scheme"},
		{"api.app.wdesk.com/oauth2/token", false, "absolute"},
		{"/oauth2/token", false, "absolute"},
		{"https://", false, "absolute"},
		{"https://user:pass@example.com/token", false, "user info"},
		{"https://sk_live_abc123@idp.example/oauth/token", false, "user info"},
		{"https://my-client:s3cr3t%zz@idp.example/oauth/token", false, "a % is not followed by two hexadecimal digits"},
		{"http://10.0.0.1/token?code=key-in-query", false, "http://10.0.0.1/token?code=*** uses plain http"},
		{"https://example.com/token#frag", false, "fragment"},
		{"https://exa mple.com/token", false, "host holds a character"},
		{"https://example.com/to\nken", false, "control character"},
		{"", false, "empty"},
		{"https://logİn.example.com/token", false, "host is not ASCII; it would be dialled as xn--login-bgd.example.com"},
		{"https://log%C4%B0n.example.com/token", false, "dialled as xn--login-bgd.example.com"},
		{"https://ｅxample.com/token", false, "dialled as example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			_, err := tokenclient.ValidateTokenURL(tc.url)
			if tc.ok != (err == nil) {
				t.Fatalf("ok = %v, err = %v", tc.ok, err)
			}
			if err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			// The value may hold a credential: no error repeats it, or any
			// part of its user info or query.
			for _, part := range []string{"user:pass", "sk_live_abc123", "s3cr3t", "%zz", "key-in-query", "exa mple"} {
				if err != nil && part != "" && strings.Contains(err.Error(), part) {
					t.Errorf("error %q repeats %q", err, part)
				}
			}
		})
	}
}

func TestValidateScope(t *testing.T) {
	good := []string{"file:read", "data_tables|r", "a", "https://example.com/scope", "!#[]~"}
	bad := []string{"", "file:read graph:read", "tab\there", "quote\"", `back\slash`, "naïve", "new\nline"}
	for _, s := range good {
		if err := tokenclient.ValidateScope(s); err != nil {
			t.Errorf("ValidateScope(%q) = %v", s, err)
		}
	}
	for _, s := range bad {
		if err := tokenclient.ValidateScope(s); err == nil {
			t.Errorf("ValidateScope(%q) accepted it", s)
		}
	}
}

func TestScopeHelpers(t *testing.T) {
	if got := tokenclient.NormalizeScopes([]string{"b", "a", " b ", "", "a"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("NormalizeScopes = %v", got)
	}
	if got := tokenclient.SplitScope("  file:read  graph:read file:read "); !slices.Equal(got, []string{"file:read", "graph:read"}) {
		t.Errorf("SplitScope = %v", got)
	}
	if got := tokenclient.SplitScope(""); len(got) != 0 {
		t.Errorf("SplitScope(\"\") = %v", got)
	}
	if got := tokenclient.MissingScopes([]string{"a", "b", "c"}, []string{"b"}); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("MissingScopes = %v", got)
	}
}

// Origin compares endpoints as they are dialled: case, a default port
// written out and a percent-encoded ASCII letter make no difference, and a
// host that reads as another but is dialled elsewhere is no origin at all.
func TestOrigin(t *testing.T) {
	for _, tc := range []struct {
		url, want string
		ok        bool
	}{
		{"https://Login.Example.com/oauth2/token", "https://login.example.com:443", true},
		{"HTTPS://login.example.com:443/x", "https://login.example.com:443", true},
		{"https://login.example.com:8443/x", "https://login.example.com:8443", true},
		{"http://127.0.0.1/token", "http://127.0.0.1:80", true},
		{"http://[::1]:9000/token", "http://[::1]:9000", true},
		{"https://logİn.example.com/token", "", false},
		{"https://log%C4%B0n.example.com/token", "", false},
		{"http://login.example.com/token", "", false},
	} {
		got, ok := tokenclient.Origin(tc.url)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Origin(%q) = %q, %v; want %q, %v", tc.url, got, ok, tc.want, tc.ok)
		}
	}
}
