package redact

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"
)

// The cost of showing a server's text, per byte kept (redact.Kept, 16 KiB
// at most per text), against a scrubber that knows a client secret, two
// tokens and a private key: go test -bench Show -benchtime 2s reports MB/s.
// The Troubleshooting guide gives the figures.
func BenchmarkShow(b *testing.B) {
	var s Scrubber
	s.AddClientCredentials("client-1", "sk_live_51Hc8ZtL2eZvKYlo2C0QmRk7n")
	s.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvaW5mcmEiLCJhdWQiOiJhcGk6Ly93b3JraXZhIn0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU",
		"tok-"+strings.Repeat("Zx9", 40))
	s.AddPEM("-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n", 25) + "-----END PRIVATE KEY-----")
	utf16le := func(t string) string {
		out := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(t)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return string(out)
	}
	prose := strings.Repeat("<p>The gateway could not reach the upstream service (request id 8c0f2a3b); try again later.</p>\n", 400)
	for _, tc := range []struct{ name, text string }{
		{"prose", prose},
		{"entities", strings.Repeat("&#x41;&amp;amp;&#0000065;", 1800)},
		{"escapes", strings.Repeat(`\u0041\x41\101%41=41\41 `, 1800)},
		{"escapes-quarter", strings.Repeat(`\u0041\x41\101%41=41\41 `, 450)}, // per byte as fast: linear
		{"mixed", strings.Repeat(`&amp;\x41%41=41\41 basic QUJD `, 1100)},
		{"mixed-runs", strings.Repeat(`&amp;\x41%41=41\41 QUJDREVGR0hJ `, 1000)}, // with runs of base64: the worst found
		{"utf16", utf16le(prose[:16<<10])},
	} {
		text := UntrustedText(tc.text)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(text.Len()))
			for b.Loop() {
				if _, withheld := s.Output().Show(text, FieldLimit); withheld {
					b.Fatal("withheld")
				}
			}
		})
	}
}

// The cost of Carries, which Show runs on what it keeps, for texts of runs
// that look like hex, base32 or base64, at 16 and 64 KiB (Carries has no
// bound of its own): one run of the base64 of random bytes, runs of 12
// characters of random base64 between spaces, and runs of 12 characters
// that each decode to text. The same MB/s at both sizes is linear cost.
func BenchmarkCarriesRuns(b *testing.B) {
	var s Scrubber
	s.AddClientCredentials("client-1", "sk_live_51Hc8ZtL2eZvKYlo2C0QmRk7n")
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		out := make([]byte, n)
		for i := range out {
			out[i] = byte(rng.Uint32())
		}
		return out
	}
	for _, size := range []int{16 << 10, 64 << 10} {
		one := base64.StdEncoding.EncodeToString(random(size * 3 / 4))
		var runs, textRuns strings.Builder
		for runs.Len() < size {
			runs.WriteString(base64.StdEncoding.EncodeToString(random(9)) + " ")
		}
		for i := 0; textRuns.Len() < size; i++ {
			textRuns.WriteString(base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("word %04d", i%10000))) + " ")
		}
		for _, tc := range []struct{ name, text string }{
			{"base64-run", one},
			{"12-char-runs", runs.String()},
			{"12-char-text-runs", textRuns.String()},
		} {
			b.Run(fmt.Sprintf("%s-%dKiB", tc.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(tc.text)))
				for b.Loop() {
					if s.Carries(tc.text) {
						b.Fatal("carries")
					}
				}
			})
		}
	}
}
