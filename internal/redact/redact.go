// Package redact removes credentials from text in every form they take on
// the wire and in the pages of servers that echo a request: raw,
// form-urlencoded exactly as sent, percent-encoded, inside an HTTP Basic
// header (base64 of id:secret, with and without the RFC 6749 2.3.1
// form-encoding of id and secret), and escaped for JSON or HTML. It has no
// Terraform types; the provider owns a Scrubber per configuration and
// applies it to every text that leaves it.
package redact

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"html/template"
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
	mu    sync.RWMutex
	forms []string // longest first, no duplicates
	added map[string]bool
}

// Add registers values (a secret, a token, an assertion) in all their forms.
func (s *Scrubber) Add(values ...string) {
	if s == nil {
		return
	}
	var forms []string
	s.mu.RLock()
	for _, v := range values {
		if !s.added[v] {
			forms = append(forms, Forms(v)...)
		}
	}
	s.mu.RUnlock()
	s.addForms(forms, values...)
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

// AddClientCredentials registers a client secret in all its forms, and the
// HTTP Basic credentials that carry it with the client id.
func (s *Scrubber) AddClientCredentials(clientID, secret string) {
	if secret == "" {
		return
	}
	s.addForms(append(Forms(secret), BasicForms(clientID, secret)...))
}

func (s *Scrubber) addForms(forms []string, values ...string) {
	if s == nil || len(forms) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.added == nil {
		s.added = map[string]bool{}
	}
	for _, v := range values {
		s.added[v] = true
	}
	for _, f := range forms {
		if f != "" && !slices.Contains(s.forms, f) {
			s.forms = append(s.forms, f)
		}
	}
	slices.SortStableFunc(s.forms, func(a, b string) int { return len(b) - len(a) })
}

// Forms returns every form registered, longest first.
func (s *Scrubber) Forms() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.forms)
}

// Scrub returns text with every byte that belongs to an occurrence of a
// registered form replaced by Mask: overlapping and adjacent occurrences
// are masked as one, so no part of a credential survives between two
// matches.
func (s *Scrubber) Scrub(text string) string { return s.Replace(text, Mask) }

// Replace is Scrub with another mask (a cassette's placeholder, say).
func (s *Scrubber) Replace(text, mask string) string {
	forms := s.Forms()
	if len(forms) == 0 || text == "" {
		return text
	}
	var spans [][2]int
	for _, f := range forms {
		for from := 0; ; {
			i := strings.Index(text[from:], f)
			if i < 0 {
				break
			}
			spans = append(spans, [2]int{from + i, from + i + len(f)})
			from += i + 1
		}
	}
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	last := 0
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		b.WriteString(text[last:start])
		b.WriteString(mask)
		last = end
	}
	b.WriteString(text[last:])
	return b.String()
}

// Forms returns the forms a value takes: raw; form-urlencoded as
// url.Values sends it (with upper- and lower-case hex); percent-encoded as
// in a URL path; and escaped inside a JSON string or an HTML page.
func Forms(v string) []string {
	if v == "" {
		return nil
	}
	query := url.QueryEscape(v)
	escaped := html.EscapeString(v) // &#34; and &#39; for quotes
	out := []string{v, query, lowerHex(query), url.PathEscape(v), lowerHex(url.PathEscape(v)),
		escaped, template.HTMLEscapeString(v),
		strings.NewReplacer("&#34;", "&quot;", "&#39;", "&apos;").Replace(escaped),
		strings.NewReplacer("&#34;", "&quot;", "&#39;", "&#x27;").Replace(escaped)}
	out = append(out, jsonForms(v)...)
	return dedupe(out)
}

// BasicForms returns the value of an HTTP Basic Authorization header for
// id and secret, in base64's four alphabets, both as RFC 6749 2.3.1 sends
// it (id and secret form-urlencoded first, as golang.org/x/oauth2 does) and
// as RFC 7617 alone would.
func BasicForms(id, secret string) []string {
	var out []string
	for _, pair := range []string{url.QueryEscape(id) + ":" + url.QueryEscape(secret), id + ":" + secret} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			out = append(out, enc.EncodeToString([]byte(pair)))
		}
	}
	return dedupe(out)
}

// jsonForms is v inside a JSON string, with and without the HTML-safe
// escapes of encoding/json (\u0026 for &, and so on).
func jsonForms(v string) []string {
	var out []string
	for _, escapeHTML := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		if enc.Encode(v) == nil {
			s := strings.TrimSuffix(b.String(), "\n")
			out = append(out, s[1:len(s)-1])
		}
	}
	return out
}

// lowerHex lower-cases the hex digits of percent-escapes.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = toLower(b[i+1]), toLower(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

func dedupe(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
