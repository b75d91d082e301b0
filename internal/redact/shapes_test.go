package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
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
