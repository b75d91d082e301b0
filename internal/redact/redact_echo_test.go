package redact

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/echoes"
)

// echoSecrets are secrets as token endpoints issue them, from a fixed
// seed: letters, digits and the punctuation of generated secrets, some with
// non-ASCII letters, and one read with file(), its newline kept.
func echoSecrets() []string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_.~+/=!@#$%^&*:;'\"<>\\ éüß✓"
	runes := []rune(alphabet)
	rng := rand.New(rand.NewPCG(21, 40))
	out := []string{"sk_live_51Hc8ZtL2eZvKYlo2C0QmRk7n\n", "Zm9v+YmFy/c2VjcmV0ZXh0cmE=", `päss wörd "quoted" <b>&amp;</b> 0123456789`}
	for range 12 {
		r := make([]rune, 24+rng.IntN(24))
		for i := range r {
			r[i] = runes[rng.IntN(len(runes))]
		}
		out = append(out, string(r))
	}
	return out
}

// The property of issue 21: however a server writes a secret it echoes
// (every producer of internal/echoes, none of which this package knows),
// the text carries it. With the skeleton step switched off the same
// property fails, for the wraps, interleavings, fragments, text encodings
// and encodings the decoders do not undo: the producers test the
// mechanism, not a list.
func TestEveryEchoIsFound(t *testing.T) {
	missedWithout := map[string]bool{}
	for _, secret := range echoSecrets() {
		var s Scrubber
		s.AddClientCredentials("client-1", secret)
		for _, p := range echoes.Producers {
			text := p.Message(secret)
			if !s.Carries(text) {
				t.Errorf("%s of %q is not found: %q", p.Name, secret, text)
			}
			if len(s.find(text, true, skeletonOff)) == 0 {
				missedWithout[p.Name] = true
			}
		}
	}
	if len(missedWithout) < 15 {
		t.Errorf("without the skeleton step only %d producers are missed: the producers do not exercise it", len(missedWithout))
	}
	t.Logf("%d producers; without the skeleton step %d are missed", len(echoes.Producers), len(missedWithout))
}

// What a secret is not: texts that share no 12 letters and digits with a
// credential are shown, and nothing in them is masked, however many runs
// that look like hex, base32 or base64 they hold.
func TestOrdinaryTextIsNotWithheld(t *testing.T) {
	var s Scrubber
	s.AddClientCredentials("client-1", "sk_live_51Hc8ZtL2eZvKYlo2C0QmRk7n")
	s.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvaW5mcmEifQ.c2lnbmF0dXJl")
	for _, text := range append([]string{
		`{"error":"invalid_client","error_description":"Client authentication failed (unknown client or bad secret)."}`,
		"<html><body><h1>502 Bad Gateway</h1><hr><center>nginx/1.25.3</center></body></html>",
		"The request could not be satisfied: sk_live_ keys must not be sent here. Request id 8c0f2a3b.",
		strings.Repeat("0123456789", 5),
		"the token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvaW5mcmEifQ.T3RoZXJTaWduYXR1cmU has expired",
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("client-2:another-secret-value")),
	}, ordinaryRuns()...) {
		if s.Carries(text) {
			t.Errorf("an ordinary text is withheld: %q", text)
		}
		if got := s.Scrub(text); got != text {
			t.Errorf("an ordinary text is masked: %q", got)
		}
	}
}

// ordinaryRuns are texts with runs of 12 or more characters of hex, base32
// or base64 alphabets that are not the encoding of any text: long words,
// identifiers, UUIDs, digests, numbers, random bytes.
func ordinaryRuns() []string {
	digest := sha256.Sum256([]byte("an unrelated document"))
	rng := rand.New(rand.NewPCG(3, 7))
	random := make([]byte, 48)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	return []string{
		"Supercalifragilisticexpialidocious: internationalization, INTERNATIONALIZATION",
		"request 123e4567-e89b-12d3-a456-426614174000 for client 00000000-0000-0000-0000-000000000001 failed",
		"sha256:" + hex.EncodeToString(digest[:]) + " " + base64.StdEncoding.EncodeToString(digest[:]),
		"at 20240101123456, build 0123456789abcdef0123456789abcdef, float64 0x4024000000000000",
		"nonce " + base64.RawURLEncoding.EncodeToString(random) + " " + base32.StdEncoding.EncodeToString(random) + " " + hex.EncodeToString(random),
	}
}

// The texts of ordinaryRuns decode to no text: runUnit leaves them as they
// stand rather than add a view of garbage to every decoding, while the
// encodings of text beside them are decoded.
func TestRunsThatAreNotTextAreNotDecoded(t *testing.T) {
	for _, text := range ordinaryRuns() {
		if v, decoded := identity(text).rewrite(runUnit); decoded {
			t.Errorf("%q is decoded to %q", text, v.text)
		}
	}
	for text, want := range map[string]string{
		"a " + base64.StdEncoding.EncodeToString([]byte("The quick brown fox")) + " b":                           "a The quick brown fox b",
		"a " + hex.EncodeToString([]byte("\x00H\x00e\x00l\x00l\x00o\x00,\x00 \x00w\x00o\x00r\x00l\x00d")) + " b": "a Hello, world b",
		"a " + base32.StdEncoding.EncodeToString([]byte("jumps over the lazy dog")) + " b":                       "a jumps over the lazy dog b",
	} {
		if v, _ := identity(text).rewrite(runUnit); v.text != want {
			t.Errorf("%q is decoded to %q, want %q", text, v.text, want)
		}
	}
}

func TestShowBoundsAndDecodesText(t *testing.T) {
	var s Scrubber
	s.Add("correct-horse-battery-staple-42")
	o := s.Output()
	if got, withheld := o.Show(UntrustedText(strings.Repeat("é", 3000)), FieldLimit); withheld || len(got) > FieldLimit {
		t.Errorf("a long text: %d bytes shown (withheld %v)", len(got), withheld)
	}
	if got, _ := o.Show(UntrustedText("\xff\xfei\x00n\x00v\x00a\x00l\x00i\x00d\x00"), FieldLimit); got != "invalid" {
		t.Errorf("UTF-16LE: %q", got)
	}
	if got, _ := o.Show(UntrustedText("a\x1b[31mred\tand\n\nmore"), FieldLimit); got != `a\x1b[31mred and more` {
		t.Errorf("controls and white space: %q", got)
	}
	if _, withheld := o.Show(UntrustedText("your key CORRECT HORSE BATTERY was refused"), FieldLimit); !withheld {
		t.Error("a partial, spaced, upper-case echo is shown")
	}
	for range 10 {
		o.Show(UntrustedText(strings.Repeat("x", 2000)), FieldLimit)
	}
	if got, _ := o.Show(UntrustedText("late"), FieldLimit); got != "" {
		t.Errorf("the output's limit is not kept: %q", got)
	}
	// Escaped control characters count against the limits.
	o = s.Output()
	total := 0
	for range 8 {
		got, _ := o.Show(UntrustedText(strings.Repeat("\x01\u0085", 2000)), FieldLimit)
		if len(got) > FieldLimit {
			t.Errorf("a field of %d bytes", len(got))
		}
		total += len(got)
	}
	if total > OutputLimit {
		t.Errorf("an output of %d bytes", total)
	}
	if got := UntrustedText("secret"); strings.Contains(fmtAll(got), "secret") {
		t.Errorf("an Untrusted formats raw: %s", fmtAll(got))
	}
}

func fmtAll(u Untrusted) string {
	b, _ := u.MarshalJSON()
	return strings.Join([]string{sprintf("%v", u), sprintf("%s", u), sprintf("%q", u), sprintf("%#v", u), sprintf("%x", u), u.String(), string(b)}, " ")
}

var sprintf = fmt.Sprintf

// Of an endpoint URL, the values that look like keys are credentials, not
// the dates, versions and resource URLs a server's errors quote; of a JWT,
// the signature, not the header and claims other tokens share.
func TestWhatIsACredentialOfURLsAndJWTs(t *testing.T) {
	var s Scrubber
	s.AddURL("https://fn.example/api/token?code=fn-key-Q8v2Lr7TzX4mWc1d&api-version=2019-08-01&resource=https://management.azure.com/")
	s.Add("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwic3ViIjoiYSJ9.Qm9keVNpZ25hdHVyZVplcm9aZXJvT25lVHdv")
	for _, text := range []string{
		"AADSTS500011: The resource principal named https://management.azure.com/ was not found",
		"unsupported api-version 2019-08-01; build 20190801",
		"the token eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwic3ViIjoiYiJ9.T3RoZXJTaWduYXR1cmU is expired",
	} {
		if s.Carries(text) {
			t.Errorf("withheld: %q", text)
		}
	}
	for _, text := range []string{
		"your key fn key Q8v2Lr7TzX4m is invalid",
		"signature Qm9keVNpZ25hdHVyZVplcm9a does not verify",
	} {
		if !s.Carries(text) {
			t.Errorf("shown: %q", text)
		}
	}
}
