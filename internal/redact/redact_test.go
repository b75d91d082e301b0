package redact_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

func TestScrubEveryForm(t *testing.T) {
	const id, secret = "client id/1", `s3:cr/t+&="%\ é ü`
	var s redact.Scrubber
	s.AddClientCredentials(id, secret)
	s.Add("tok_ABC123")
	seen := []string{
		secret,
		url.QueryEscape(secret),
		strings.ToLower(url.QueryEscape(secret)),
		url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))),
		base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":" + secret)),
		`s3:cr/t+\u0026=\"%\\ é ü`,
		`s3:cr/t+&amp;=&#34;%\ é ü`,
		`s3:cr/t+&amp;=&quot;%\ é ü`,
		"tok_ABC123",
	}
	for _, form := range seen {
		text := "before " + form + " after"
		if got := s.Scrub(text); got != "before "+redact.Mask+" after" {
			t.Errorf("Scrub(%q) = %q", text, got)
		}
	}
}

func TestScrubOverlapsAndNil(t *testing.T) {
	var s redact.Scrubber
	s.Add("abcdef", "defghi")
	if got := s.Scrub("xxabcdefghixx abcdef"); got != "xx*** ***" && got != "xx***xx ***" {
		t.Errorf("overlapping forms: %q", got)
	}
	if got := s.Scrub("xxabcdefghixx"); strings.Contains(got, "ghi") || strings.Contains(got, "abc") {
		t.Errorf("a part of a credential survived: %q", got)
	}
	var none *redact.Scrubber
	if got := none.Scrub("text"); got != "text" {
		t.Errorf("nil scrubber changed text: %q", got)
	}
	none.Add("x") // must not panic
}
