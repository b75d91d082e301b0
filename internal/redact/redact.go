// Package redact keeps credentials out of text that leaves the provider. It
// has no Terraform types; the provider owns a Scrubber per configuration
// and applies it to every text it shows or logs.
//
// It does not list the forms a credential may take. It normalises, then
// decides, in two steps that each cover what the other cannot:
//   - decoding: the text about to be shown is decoded (decode.go: HTML
//     entities, the backslash escapes of JSON, JavaScript, Python, Go, C
//     and CSS, percent-, form- and quoted-printable encoding, and runs of
//     12 or more characters of hex, base32 and base64 that decode to
//     UTF-8, UTF-16 or UTF-32 text), layer by layer in every order, each
//     decoding keeping a map back to the text it came from; every
//     credential is looked for in every decoding, white space folded;
//   - the skeleton (skeleton.go): of each decoding and each credential,
//     only the letters and digits are kept, Unicode-normalised and
//     lower-cased, and a text carries a credential when it holds any 12 of
//     its letters and digits in a row (the whole skeleton when shorter),
//     or 12 of its hex or base64; so wraps, zero-width characters, soft
//     hyphens, NULs, fullwidth letters, separators and partial echoes do
//     not hide one.
//
// Scrub masks what it finds in place; Carries reports it, for callers that
// withhold a whole text rather than show what is left of it; Output.Show
// is the one way text from a server (Untrusted) is shown.
package redact

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Mask replaces every byte of a credential.
const Mask = "***"

// Scrubber knows credentials and removes them from text. The zero value is
// ready; a nil *Scrubber removes nothing. It is safe for concurrent use.
type Scrubber struct {
	mu sync.RWMutex
	// needles are the folded credentials, longest first, no duplicates;
	// skeletons their skeletons and encodings. Neither is changed once set
	// (Add replaces them), so that readers keep the ones they took.
	needles   []string
	skeletons *skeletonIndex
}

// Add registers credentials (a secret, a token, an assertion), each with
// and without the white space around it (a secret read with file() keeps
// its newline; a server that echoes it trims it).
func (s *Scrubber) Add(values ...string) {
	s.add(values, nil, true)
}

// add registers values as credentials (with skeletons: by their skeleton
// too), and encoded as credentials whose hex and base64 only are (the
// Basic form of a client secret).
func (s *Scrubber) add(values []string, encoded [][]byte, skeletons bool) {
	if s == nil {
		return
	}
	var needles, fresh []string
	for _, v := range values {
		for _, w := range []string{v, strings.TrimSpace(v)} {
			if f := strings.TrimSpace(fold(w)); f != "" && !slices.Contains(needles, f) {
				needles, fresh = append(needles, f), append(fresh, w)
			}
		}
	}
	if len(needles) == 0 && len(encoded) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// New values each time: readers keep the ones they took (snapshot).
	all := slices.Clone(s.needles)
	added := false
	for _, n := range needles {
		if !slices.Contains(all, n) {
			all, added = append(all, n), true
		}
	}
	if !added && len(encoded) == 0 {
		return
	}
	slices.SortStableFunc(all, func(a, b string) int { return len(b) - len(a) })
	s.needles = all
	var idx *skeletonIndex
	if s.skeletons == nil {
		idx = newSkeletonIndex()
	} else {
		idx = s.skeletons.clone()
	}
	for _, v := range fresh {
		if skeletons {
			idx.addCredential(v)
		}
	}
	for _, b := range encoded {
		idx.addEncoded(b)
	}
	s.skeletons = idx
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
//
// The skeleton step finds the hex and base64 of the Basic form at every
// offset too.
func (s *Scrubber) AddClientCredentials(clientID, secret string) {
	if secret == "" {
		return
	}
	values := []string{secret}
	var encoded [][]byte
	for _, pair := range []string{url.QueryEscape(clientID) + ":" + url.QueryEscape(secret), clientID + ":" + secret} {
		encoded = append(encoded, []byte(pair))
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			values = append(values, enc.EncodeToString([]byte(pair)))
		}
	}
	s.add(values, encoded, true)
}

// AddURL registers the credentials an endpoint URL may carry: its user
// info and the values of its query that look like keys (keyLike: an Azure
// Function's ?code=, a SAS signature), not those that are words, dates or
// URLs (api-version=2019-08-01, resource=https://management.azure.com/),
// which a server's errors quote and whose withholding would leave them
// unreadable. URL and ShowURL mask every value anyway.
func (s *Scrubber) AddURL(raw string) {
	u, err := url.Parse(raw)
	if err != nil {
		s.Add(raw) // cannot say which part is the key: all of it
		return
	}
	var values []string
	if u.User != nil {
		values = append(values, u.User.Username())
		if p, ok := u.User.Password(); ok {
			values = append(values, p)
		}
	}
	for _, p := range strings.Split(u.RawQuery, "&") {
		_, v, _ := strings.Cut(p, "=")
		dec, err := url.QueryUnescape(v)
		if err != nil {
			dec = v
		}
		if keyLike(dec) {
			values = append(values, v, dec)
		}
	}
	s.Add(values...)
}

// AddNames registers the values of names (a file's path, a variable's
// name) that look like keys (keyLike), found only as they stand (white
// space and case folded, in every decoding), not by their skeleton: a
// credential written where a name belongs is masked, while a name's words,
// which are ordinary words elsewhere, are not.
func (s *Scrubber) AddNames(values ...string) {
	var keys []string
	for _, v := range values {
		if keyLike(v) {
			keys = append(keys, v)
		}
	}
	s.add(keys, nil, false)
}

// AddKeys registers the values that look like keys (keyLike), as AddURL
// does a query's: for values of which some are keys and some are names (a
// token request's extra form fields: an api_key beside a tenant).
func (s *Scrubber) AddKeys(values ...string) {
	for _, v := range values {
		if keyLike(v) {
			s.Add(v)
		}
	}
}

// keyLike reports whether a value looks like a key rather than a word, a
// date or a URL: at least window letters and digits, mixing both.
func keyLike(v string) bool {
	sk := skeletonRunes(v)
	return len(sk) >= window && slices.ContainsFunc(sk, unicode.IsLetter) && slices.ContainsFunc(sk, unicode.IsDigit)
}

func (s *Scrubber) snapshot() ([]string, *skeletonIndex) {
	if s == nil {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.needles, s.skeletons
}

// Scrub returns text with every part that, once decoded, is a credential,
// or holds 12 of one's letters and digits in a row without white space,
// replaced by Mask. Overlapping and adjacent occurrences are masked as one,
// so no part of a credential survives between two matches. It is for text
// the provider wrote; a server's text that carries a credential is
// withheld whole (Carries, Output.Show).
func (s *Scrubber) Scrub(text string) string { return s.Replace(text, Mask) }

// Replace is Scrub with another mask (a cassette's placeholder, say).
func (s *Scrubber) Replace(text, mask string) string {
	spans := s.find(text, false, skeletonUnbroken)
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
// scrubber decodes, or its skeleton holds one's: a text to withhold rather
// than show masked.
// The text is looked at as it came and as UTF-8 (ToUTF8), for a server
// that writes UTF-16 or UTF-32.
func (s *Scrubber) Carries(text string) bool {
	_, carries := s.carries(text)
	return carries
}

// carries is Carries, and text as UTF-8, which it looked at too.
func (s *Scrubber) carries(text string) (utf string, carries bool) {
	utf = ToUTF8(text)
	return utf, len(s.find(text, true, skeletonAll)) > 0 || utf != text && len(s.find(utf, true, skeletonAll)) > 0
}

// How find uses the skeleton step.
type skeletonMode int

const (
	skeletonOff skeletonMode = iota
	// skeletonAll: any match, for deciding whether a server's text
	// carries a credential.
	skeletonAll
	// skeletonUnbroken: only matches without white space in the original
	// text, for masking in place in text the provider wrote, whose words a
	// credential made of words ("request-token-…") would otherwise mask.
	skeletonUnbroken
)

// find returns the spans of text that decode to a credential, or, with
// skeletons, whose skeleton holds one's, sorted and merged; with first, it
// stops at the first.
func (s *Scrubber) find(text string, first bool, mode skeletonMode) [][2]int {
	if s == nil || text == "" {
		return nil
	}
	needles, idx := s.snapshot()
	var spans [][2]int
	for _, v := range decodings(text) {
		for _, sp := range shapeSpans(v.text) {
			spans = append(spans, v.span(sp[0], sp[1]))
			if first {
				return spans
			}
		}
		if mode != skeletonOff {
			sk := skeletonOf(v)
			found := shapeSkeletonSpans(sk)
			if idx != nil {
				found = append(found, idx.find(sk, first)...)
			}
			for _, sp := range found {
				if mode == skeletonAll || !strings.ContainsFunc(text[sp[0]:sp[1]], unicode.IsSpace) {
					spans = append(spans, sp)
				}
			}
			if first && len(spans) > 0 {
				return spans
			}
		}
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
