// Package redact keeps credentials out of text that leaves the provider. It
// has no Terraform types; the provider owns a Scrubber per configuration
// and applies it to every text it shows or logs.
//
// It does not list the forms a credential may take. It normalises, then
// decides: the text about to be shown is decoded (decode.go: HTML entities,
// the backslash escapes of JSON, JavaScript, Python and Go, percent- and
// form-encoding, and the base64 of an HTTP Basic Authorization value),
// layer by layer in every order, each decoding keeping a map back to the
// text it came from; whitespace and the form-encoding of spaces are folded
// in the credentials and the decodings alike; every credential is then
// looked for in every decoding. Scrub masks what it finds in place;
// Carries reports it, for callers that withhold a whole text (a server's
// body snippet) rather than show what is left of it.
package redact

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Mask replaces every byte of a credential.
const Mask = "***"

// Scrubber knows credentials and removes them from text. The zero value is
// ready; a nil *Scrubber removes nothing. It is safe for concurrent use.
type Scrubber struct {
	mu      sync.RWMutex
	needles []string // folded credentials, longest first, no duplicates; never changed once set (Add replaces it)
}

// Add registers credentials (a secret, a token, an assertion).
func (s *Scrubber) Add(values ...string) {
	if s == nil {
		return
	}
	var needles []string
	for _, v := range values {
		if f := fold(v); strings.TrimSpace(f) != "" {
			needles = append(needles, f)
		}
	}
	if len(needles) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A new slice each time: readers keep the one they took (snapshot).
	all := slices.Clone(s.needles)
	for _, n := range needles {
		if !slices.Contains(all, n) {
			all = append(all, n)
		}
	}
	slices.SortStableFunc(all, func(a, b string) int { return len(b) - len(a) })
	s.needles = all
}

// minPEMLine is the shortest line of a PEM body registered on its own: the
// short last line of a key reveals nothing, and masking every "==" would
// make text unreadable.
const minPEMLine = 16

// AddPEM registers PEM text (a private key): whole, its base64 body without
// line breaks, and each body line of minPEMLine characters or more, so that
// a key shown reflowed or in part is masked too. Other text is added as is.
func (s *Scrubber) AddPEM(values ...string) {
	for _, v := range values {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		parts := []string{v}
		var body strings.Builder
		for _, line := range strings.Split(v, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "-----") || strings.Contains(line, ":") {
				continue
			}
			body.WriteString(line)
			if len(line) >= minPEMLine {
				parts = append(parts, line)
			}
		}
		if body.Len() >= minPEMLine {
			parts = append(parts, body.String())
		}
		s.Add(parts...)
	}
}

// AddClientCredentials registers a client secret, and the values of the
// HTTP Basic header that carries it with the client id in base64's four
// alphabets (as RFC 6749 2.3.1 sends it, id and secret form-urlencoded
// first, and as RFC 7617 alone would), for echoes of the header value
// without its "Basic" label.
func (s *Scrubber) AddClientCredentials(clientID, secret string) {
	if secret == "" {
		return
	}
	s.Add(secret)
	for _, pair := range []string{url.QueryEscape(clientID) + ":" + url.QueryEscape(secret), clientID + ":" + secret} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			s.Add(enc.EncodeToString([]byte(pair)))
		}
	}
}

func (s *Scrubber) snapshot() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.needles
}

// Scrub returns text with every part that, once decoded, is a credential
// replaced by Mask. Overlapping and adjacent occurrences are masked as one,
// so no part of a credential survives between two matches.
func (s *Scrubber) Scrub(text string) string { return s.Replace(text, Mask) }

// Replace is Scrub with another mask (a cassette's placeholder, say).
func (s *Scrubber) Replace(text, mask string) string {
	spans := s.find(text, false)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp[0]])
		b.WriteString(mask)
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// Carries reports whether text holds a credential in any encoding the
// scrubber decodes: a text to withhold rather than show masked.
func (s *Scrubber) Carries(text string) bool { return len(s.find(text, true)) > 0 }

// find returns the spans of text that decode to a credential, sorted and
// merged; with first, it stops at the first.
func (s *Scrubber) find(text string, first bool) [][2]int {
	needles := s.snapshot()
	if len(needles) == 0 || text == "" {
		return nil
	}
	var spans [][2]int
	for _, v := range decodings(text) {
		f := v.fold()
		for _, n := range needles {
			for from := 0; ; {
				i := strings.Index(f.text[from:], n)
				if i < 0 {
					break
				}
				spans = append(spans, f.span(from+i, from+i+len(n)))
				if first {
					return spans
				}
				from += i + 1
			}
		}
	}
	return merge(spans)
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans [][2]int) [][2]int {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	out := spans[:1]
	for _, sp := range spans[1:] {
		if last := &out[len(out)-1]; sp[0] <= last[1] {
			last[1] = max(last[1], sp[1])
		} else {
			out = append(out, sp)
		}
	}
	return out
}
