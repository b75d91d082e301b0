package redact_test

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf16"

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

// The echoes of the issue that walked past a list of forms, and their
// kin: each is decoded before matching, and what matches is masked where
// it stands in the original text.
func TestScrubDecodesBeforeMatching(t *testing.T) {
	const secret = "Zm9v+YmFy/c2VjcmV0="
	var s redact.Scrubber
	s.AddClientCredentials("id", secret)
	s.Add("päss 🔑 wörd")
	for _, tc := range []struct{ text, want string }{
		{`{"client_secret":"Zm9v+YmFy\/c2VjcmV0="}`, `{"client_secret":"***"}`},               // PHP json_encode
		{`<p>Zm9v&#43;YmFy/c2VjcmV0=</p>`, `<p>***</p>`},                                      // Go html/template
		{`<p>Zm9v&#x2B;YmFy&#47;c2VjcmV0&#X3D;</p>`, `<p>***</p>`},                            // numeric entities
		{`{"s":"p\u00e4ss \ud83d\udd11 w\u00f6rd"}`, `{"s":"***"}`},                           // Python ensure_ascii
		{`client_secret=Zm9v%2BYmFy%2Fc2VjcmV0%3D&x=1`, `client_secret=***&x=1`},              // form
		{`"secret=Zm9v%252BYmFy%252Fc2VjcmV0%253D"`, `"secret=***"`},                          // percent, twice
		{`{"body":"client_secret=Zm9v%2BYmFy\/c2VjcmV0%3D"}`, `{"body":"client_secret=***"}`}, // form inside PHP JSON
		{`&lt;pre&gt;s=Zm9v\u002BYmFy/c2VjcmV0=&lt;/pre&gt;`, `&lt;pre&gt;s=***&lt;/pre&gt;`}, // JSON inside HTML
		{"Authorization: Basic " + base64.URLEncoding.EncodeToString([]byte("id:"+secret)), "Authorization: Basic ***"},
		{"authorization: basic " + base64.RawStdEncoding.EncodeToString([]byte("id:"+url.QueryEscape(secret))), "authorization: basic ***"},
		{"secret:\n  Zm9v+YmFy/c2VjcmV0=", "secret:\n  ***"},
		{"päss   🔑\n\twörd", "***"}, // whitespace folded before matching
		{"päss+🔑+wörd", "***"},      // a form-encoded space
		{"nothing here & no %zz \\q", "nothing here & no %zz \\q"},
	} {
		if got := s.Scrub(tc.text); got != tc.want {
			t.Errorf("Scrub(%q)\n got %q\nwant %q", tc.text, got, tc.want)
		}
		if carries := s.Carries(tc.text); carries != (tc.want != tc.text) {
			t.Errorf("Carries(%q) = %v", tc.text, carries)
		}
	}
}

// The echoes of the review that the decoders did not undo: runs of base64,
// base32 and hex of the secret's UTF-16 or UTF-32, or of a text that holds
// it, are decoded, and the whole run is masked where it stands.
func TestScrubDecodesRuns(t *testing.T) {
	const secret = "s3cr3t-Q8v2+Lr7/TzX4 é🔑"
	var s redact.Scrubber
	s.AddClientCredentials("client-1", secret)
	utf16le, utf16be := wide(secret, 2, binary.LittleEndian), wide(secret, 2, binary.BigEndian)
	for _, form := range []string{
		base64.StdEncoding.EncodeToString(utf16le), // .NET: Convert.ToBase64String(Encoding.Unicode.GetBytes(s))
		base64.RawURLEncoding.EncodeToString(append([]byte{0xFE, 0xFF}, utf16be...)),
		base64.StdEncoding.EncodeToString(wide(secret, 4, binary.BigEndian)),
		base64.StdEncoding.EncodeToString(wide(`{"client_secret":"`+secret+`"}`, 2, binary.LittleEndian)),
		base32.StdEncoding.EncodeToString([]byte(secret)),
		strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(secret))),
		hex.EncodeToString(utf16le),
		strings.ToUpper(hex.EncodeToString(utf16be)),
		base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(utf16le))), // two layers
	} {
		text := "the server said '" + form + "' (invalid)"
		if got, want := s.Scrub(text), "the server said '"+redact.Mask+"' (invalid)"; got != want {
			t.Errorf("Scrub(%q)\n got %q\nwant %q", text, got, want)
		}
		if !s.Carries(text) {
			t.Errorf("Carries(%q) = false", text)
		}
	}
}

// wide is s in UTF-16 (size 2) or UTF-32 (size 4), without a byte-order
// mark.
func wide(s string, size int, order binary.AppendByteOrder) []byte {
	var b []byte
	if size == 4 {
		for _, r := range s {
			b = order.AppendUint32(b, uint32(r))
		}
		return b
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
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
	if got := none.Scrub("text"); got != "text" || none.Carries("text") {
		t.Errorf("nil scrubber changed text: %q", got)
	}
	none.Add("x") // must not panic
	s.Add("   ")  // whitespace is no credential
	if got := s.Scrub("a b"); got != "a b" {
		t.Errorf("whitespace was taken for a credential: %q", got)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ntext\twith tabs": "plain\ntext\twith tabs",
		"\x1b[2Jcleared\a":       `\x1b[2Jcleared\x07`,
		"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\": `\x1b]8;;https://evil.example\x1b\link\x1b]8;;\x1b\`,
		"c1 \u009b31m csi, del \x7f, cr \r":                    `c1 \u009b31m csi, del \x7f, cr \x0d`,
		"bad \xff utf-8, é ok":                                 "bad \uFFFD utf-8, é ok",
	} {
		if got := redact.Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://fn.azurewebsites.net/api/token?code=abc123&tenant=t1": "https://fn.azurewebsites.net/api/token?code=***&tenant=***",
		"https://user:pass@idp.example/token?flag":                     "https://idp.example/token?flag",
		"https://idp.example/token":                                    "https://idp.example/token",
		"https://my-client:s3cr3t%zz@idp.example/":                     "(not shown: not a valid URL)",
	} {
		if got := redact.URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Credentials are added while other goroutines scrub (a token issued
// during a run, an assertion just signed): safe under -race.
func TestScrubWhileAdding(t *testing.T) {
	var s redact.Scrubber
	s.Add("first-credential")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			s.Add(fmt.Sprintf("credential-%03d", i))
		}
	}()
	for range 200 {
		if got := s.Scrub("x first-credential y"); got != "x *** y" {
			t.Fatalf("Scrub = %q", got)
		}
	}
	<-done
	if got := s.Scrub("credential-199"); got != redact.Mask {
		t.Errorf("the last credential added is not masked: %q", got)
	}
}

// A struct that embeds Unprintable shows nothing of itself, by value or by
// pointer, with any verb, nested or not.
func TestUnprintable(t *testing.T) {
	type holder struct {
		redact.Unprintable
		Secret string
	}
	h := holder{Secret: "s3cret-value-0123456789"}
	for _, v := range []any{h, &h, []any{h}, map[string]any{"h": &h}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, "s3cret") || !strings.Contains(out, redact.Withheld) {
				t.Errorf("%s of %T gives %q", verb, v, out)
			}
		}
	}
}
