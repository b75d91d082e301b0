package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/echoes"
)

// A Workiva client secret is masked wherever it appears, in any decoding,
// by a scrubber that was never told it; a sentence that names the prefix
// is not a secret.
func TestWorkivaSecretShape(t *testing.T) {
	const secret = "wk_secret:oa2c:Q7f3Zk9LmP2xR8vT4bWn" //nolint:gosec // a test credential in Workiva's shape
	var s Scrubber
	for _, text := range []string{
		"client id " + secret + " is unknown",
		"client id " + strings.ToUpper(secret),
		"client_id=" + url.QueryEscape(secret) + "&grant_type=client_credentials",
		`{"client_id":"wk_secret\u003aoa2c\u003aQ7f3Zk9LmP2xR8vT4bWn"}`,
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("3f1c9a2e:"+secret)),
	} {
		if !s.Carries(text) {
			t.Errorf("Carries(%q) = false", text)
		}
		if got := s.Scrub(text); strings.Contains(got, "Q7f3Zk9L") || strings.Contains(got, "oa2c") {
			t.Errorf("Scrub(%q) = %q", text, got)
		}
	}
	if got := s.Scrub("x " + secret + " y"); got != "x "+Mask+" y" {
		t.Errorf("Scrub masks %q, want only the secret", got)
	}
	for _, text := range []string{"Workiva's client secrets begin with wk_secret: and are shown once.", "wk_secret:oa2c:short"} {
		if s.Carries(text) || HasSecretShape(text) {
			t.Errorf("%q is taken for a secret", text)
		}
	}
	if !HasSecretShape(secret) || HasSecretShape("3f1c9a2e-8b7d-4e6f-a5c4-0d1e2f3a4b5c") {
		t.Error("HasSecretShape does not tell a secret from a client id")
	}
}

// A Workiva secret the scrubber was never told is found in every echo form
// of internal/echoes but those that drop the prefix (a fragment, which only
// a told secret's skeleton finds) and colon-separated hex, and in forms that
// break it (a wrap, a zero-width character, a soft hyphen, markup,
// fullwidth letters, UTF-16): server text that holds one is withheld, and
// text the provider writes is masked where the secret is unbroken.
func TestUntoldWorkivaSecretInEveryForm(t *testing.T) {
	const secret = "wk_secret:oa2c:Q7f3Zk9LmP2xR8vT4bWn" //nolint:gosec // a test credential in Workiva's shape
	var s Scrubber
	// The producers that cannot be found without being told the secret.
	untellable := map[string]bool{"the last 70 %": true, "the middle 60 %": true, "hex (upper), colon-separated": true}
	for _, p := range echoes.Producers {
		if text := p.Message(secret); !s.Carries(text) && !untellable[p.Name] {
			t.Errorf("%s of an untold Workiva secret is not found: %q", p.Name, text)
		}
	}
	utf16le := func(s string) string {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return string(b)
	}
	for name, tc := range map[string]struct {
		text     string
		unbroken bool
	}{
		"wrapped":          {"wk_secret:oa2c:Q7f3Zk9Lm\nP2xR8vT4bWn", false},
		"zero-width space": {"wk_secret:oa2c:Q7f3\u200bZk9LmP2xR8vT4bWn", true},
		"soft hyphen":      {"wk_secret:oa2c:Q7f3\u00adZk9LmP2xR8vT4bWn", true},
		"markup":           {"wk_secret:oa2c:Q7f3<wbr>Zk9LmP2xR8vT4bWn", true},
		"fullwidth":        {"ｗｋ＿ｓｅｃｒｅｔ：ｏａ２ｃ：Ｑ７ｆ３Ｚｋ９ＬｍＰ２ｘＲ８ｖＴ４ｂＷｎ", true},
		"UTF-16":           {utf16le("error: " + secret), true},
	} {
		if !s.Carries(tc.text) {
			t.Errorf("%s: not found", name)
		}
		if out := s.Scrub(tc.text); tc.unbroken && strings.Contains(ToUTF8(out), "P2xR8vT4bWn") {
			t.Errorf("%s: Scrub leaves the key: %q", name, out)
		}
	}
}
