package redact

import (
	"encoding/base64"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// view is a text decoded from an original, with, for each of its bytes,
// the span of the original that byte came from, so that what is found in a
// decoding can be masked in the original.
type view struct {
	text       string
	start, end []int32
}

func identity(text string) view {
	v := view{text: text, start: make([]int32, len(text)), end: make([]int32, len(text))}
	for i := range len(text) { // bytes, not runes
		v.start[i], v.end[i] = int32(i), int32(i+1) //nolint:gosec // texts are far below 2 GiB
	}
	return v
}

// span maps bytes [a, b) of v to the original.
func (v view) span(a, b int) [2]int { return [2]int{int(v.start[a]), int(v.end[b-1])} }

// unitFunc recognises an encoded unit of text at i (an entity, an escape)
// and returns what it decodes to and its length; n is 0 when there is none.
type unitFunc func(text string, i int) (out string, n int)

// rewrite decodes every unit of v; it reports whether any was found.
func (v view) rewrite(unit unitFunc) (view, bool) {
	// Nothing is built until the first unit that decodes to something else:
	// most decoders find none in most texts.
	first := -1
	for i := 0; i < len(v.text); i++ {
		if dec, n := unit(v.text, i); n > 0 && dec != v.text[i:i+n] {
			first = i
			break
		}
	}
	if first < 0 {
		return v, false
	}
	var b strings.Builder
	b.Grow(len(v.text))
	b.WriteString(v.text[:first])
	out := view{start: make([]int32, first, len(v.text)), end: make([]int32, first, len(v.text))}
	copy(out.start, v.start[:first])
	copy(out.end, v.end[:first])
	for i := first; i < len(v.text); {
		if dec, n := unit(v.text, i); n > 0 {
			s, e := v.start[i], v.end[i+n-1]
			b.WriteString(dec)
			for range len(dec) {
				out.start, out.end = append(out.start, s), append(out.end, e)
			}
			i += n
			continue
		}
		b.WriteByte(v.text[i])
		out.start, out.end = append(out.start, v.start[i]), append(out.end, v.end[i])
		i++
	}
	out.text = b.String()
	return out, true
}

// A decoder undoes one encoding wherever it appears in a text: trigger is
// a byte or word without which the text holds none of its units.
type decoder struct {
	trigger string
	unit    unitFunc
}

var decoders = []decoder{
	{"&", entityUnit},    // HTML: named, decimal and hex entities, &amp; nested any number of times
	{`\`, backslashUnit}, // JSON (\/ and \uXXXX with surrogate pairs), JavaScript (\u{...}), Python, Go, C octal
	{`\`, cssUnit},       // CSS: \ and one to six hex digits, then an optional space
	{"%", percentUnit},   // percent- and form-encoding (+ is folded, see fold)
	{"=", qpUnit},        // quoted-printable (RFC 2045): =XX and soft line breaks
	{"basic", basicUnit}, // the base64 of an HTTP Basic Authorization value
}

// maxDepth and maxViews bound the decodings of one text: encodings nest (a
// form body echoed in JSON inside an HTML page is three), and each order is
// tried, but a text rarely holds more than two.
const (
	maxDepth = 4
	maxViews = 64
)

// decodings returns text and every distinct text it decodes to, applying
// the decoders in every order up to maxDepth deep.
func decodings(text string) []view {
	out := []view{identity(text)}
	seen := map[string]bool{text: true}
	level := out
	for range maxDepth {
		var next []view
		for _, v := range level {
			lower := strings.ToLower(v.text)
			for _, d := range decoders {
				if !strings.Contains(lower, d.trigger) {
					continue
				}
				if w, changed := v.rewrite(d.unit); changed && !seen[w.text] && len(out) < maxViews {
					seen[w.text] = true
					out, next = append(out, w), append(next, w)
				}
			}
		}
		level = next
	}
	return out
}

// fold makes v's whitespace and form-encoded spaces compare equal: every
// run of white space becomes one space, and so does '+' (a space in a
// form-encoded value, a plus elsewhere), in the decodings and in the
// credentials alike.
func (v view) fold() view {
	var b strings.Builder
	b.Grow(len(v.text))
	out := view{start: make([]int32, 0, len(v.text)), end: make([]int32, 0, len(v.text))}
	inSpace := false
	for i := 0; i < len(v.text); {
		r, n := utf8.DecodeRuneInString(v.text[i:])
		if r == '+' || (r != utf8.RuneError && unicode.IsSpace(r)) {
			if inSpace {
				out.end[len(out.end)-1] = v.end[i+n-1]
			} else {
				b.WriteByte(' ')
				out.start, out.end = append(out.start, v.start[i]), append(out.end, v.end[i+n-1])
			}
			inSpace = true
			i += n
			continue
		}
		inSpace = false
		b.WriteString(v.text[i : i+n])
		for j := i; j < i+n; j++ {
			out.start, out.end = append(out.start, v.start[j]), append(out.end, v.end[j])
		}
		i += n
	}
	out.text = b.String()
	return out
}

// fold is view.fold for a credential.
func fold(s string) string { return identity(s).fold().text }

// entityUnit decodes an entity. An "&" escaped again and again
// ("&amp;amp;amp;#115;") is one unit, so that no number of layers outlasts
// the decodings' depth; a numeric reference may have any number of leading
// zeros.
func entityUnit(text string, i int) (string, int) {
	if text[i] != '&' {
		return "", 0
	}
	j := i + 1
	for len(text)-j >= 4 && strings.EqualFold(text[j:j+4], "amp;") {
		j += 4
	}
	if dec, end, ok := entityAfter(text, j); ok {
		return dec, end - i
	}
	if j > i+1 {
		return "&", j - i
	}
	return "", 0
}

// entityAfter decodes the entity whose "&" stands just before j: what it
// decodes to and where it ends.
func entityAfter(text string, j int) (string, int, bool) {
	if j < len(text) && text[j] == '#' {
		j++
		digits, prefix := isDigit, "&#"
		if j < len(text) && (text[j] == 'x' || text[j] == 'X') {
			j++
			digits, prefix = isHex, "&#x"
		}
		for j < len(text) && text[j] == '0' && j+1 < len(text) && digits(text[j+1]) {
			j++
		}
		k := j
		for k < len(text) && k-j < 16 && digits(text[k]) {
			k++
		}
		if k == j {
			return "", 0, false
		}
		ref := prefix + text[j:k] + ";"
		if k < len(text) && text[k] == ';' {
			k++
		}
		if dec := html.UnescapeString(ref); dec != ref {
			return dec, k, true
		}
		return "", 0, false
	}
	k := j
	for k < len(text) && k-j < 32 && (isAlpha(text[k]) || isDigit(text[k]) && k > j) {
		k++
	}
	if k == j {
		return "", 0, false
	}
	if k < len(text) && text[k] == ';' {
		k++
	}
	cand := "&" + text[j:k]
	if dec := html.UnescapeString(cand); dec != cand {
		return dec, k, true
	}
	return "", 0, false
}

func backslashUnit(text string, i int) (string, int) {
	if text[i] != '\\' || i+1 >= len(text) {
		return "", 0
	}
	switch c := text[i+1]; c {
	case 'u':
		if i+2 < len(text) && text[i+2] == '{' { // JavaScript, Rust, PHP, Swift: \u{73}
			k := i + 3
			for k < len(text) && k-i-3 < 8 && isHex(text[k]) {
				k++
			}
			if r, ok := hexRune(text, i+3, k-i-3); ok && k > i+3 && k < len(text) && text[k] == '}' && utf8.ValidRune(r) {
				return string(r), k + 1 - i
			}
			return "", 0
		}
		r, ok := hexRune(text, i+2, 4)
		if !ok {
			return "", 0
		}
		if utf16.IsSurrogate(r) {
			if r2, ok := hexRune(text, i+8, 4); ok && strings.HasPrefix(text[i+6:], `\u`) {
				if pair := utf16.DecodeRune(r, r2); pair != unicode.ReplacementChar {
					return string(pair), 12
				}
			}
			return string(unicode.ReplacementChar), 6
		}
		return string(r), 6
	case 'U':
		if r, ok := hexRune(text, i+2, 8); ok && utf8.ValidRune(r) {
			return string(r), 10
		}
	case 'x':
		if r, ok := hexRune(text, i+2, 2); ok {
			return string(r), 4
		}
	case '/', '\\', '"', '\'':
		return string(c), 2
	case 'n', 't', 'r', 'b', 'f', 'v', 'a':
		return map[byte]string{'n': "\n", 't': "\t", 'r': "\r", 'b': "\b", 'f': "\f", 'v': "\v", 'a': "\a"}[c], 2
	}
	if isOctal(text[i+1]) { // C, Python, PHP, Perl: \163, \0
		k := i + 1
		for k < len(text) && k-i-1 < 3 && isOctal(text[k]) {
			k++
		}
		v, _ := strconv.ParseUint(text[i+1:k], 8, 16)
		if v < 0x100 {
			return string([]byte{byte(v)}), k - i // a byte, as in C: UTF-8 is written byte by byte
		}
	}
	return "", 0
}

// cssUnit decodes a CSS escape (CSS Syntax 4.3.7): a backslash, one to six
// hex digits and one optional white space character.
func cssUnit(text string, i int) (string, int) {
	if text[i] != '\\' {
		return "", 0
	}
	k := i + 1
	for k < len(text) && k-i-1 < 6 && isHex(text[k]) {
		k++
	}
	if k == i+1 {
		return "", 0
	}
	r, _ := hexRune(text, i+1, k-i-1)
	if !utf8.ValidRune(r) || r == 0 {
		r = unicode.ReplacementChar
	}
	if k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n') {
		k++
	}
	return string(r), k - i
}

// qpUnit decodes quoted-printable (RFC 2045 6.7): =XX, and a soft line
// break (= at the end of a line), which decodes to nothing.
func qpUnit(text string, i int) (string, int) {
	if text[i] != '=' || i+1 >= len(text) {
		return "", 0
	}
	switch {
	case text[i+1] == '\n':
		return "", 2
	case strings.HasPrefix(text[i+1:], "\r\n"):
		return "", 3
	case i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
		b, _ := strconv.ParseUint(text[i+1:i+3], 16, 8)
		return string([]byte{byte(b)}), 3
	}
	return "", 0
}

func percentUnit(text string, i int) (string, int) {
	if text[i] != '%' || i+2 >= len(text) || !isHex(text[i+1]) || !isHex(text[i+2]) {
		return "", 0
	}
	b, _ := strconv.ParseUint(text[i+1:i+3], 16, 8)
	return string([]byte{byte(b)}), 3
}

// basicUnit decodes the base64 credentials that follow "Basic " (any case),
// in any of base64's four alphabets, when they decode to text.
func basicUnit(text string, i int) (string, int) {
	if i == 0 || (text[i-1] != ' ' && text[i-1] != '\t') || !isBase64(text[i]) {
		return "", 0
	}
	j := i - 1
	for j > 0 && (text[j-1] == ' ' || text[j-1] == '\t') {
		j--
	}
	if j < 5 || !strings.EqualFold(text[j-5:j], "basic") || (j > 5 && isAlpha(text[j-6])) {
		return "", 0
	}
	k := i
	for k < len(text) && isBase64(text[k]) {
		k++
	}
	for k < len(text) && text[k] == '=' {
		k++
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if dec, err := enc.DecodeString(text[i:k]); err == nil && utf8.Valid(dec) {
			return string(dec), k - i
		}
	}
	return "", 0
}

func hexRune(text string, at, n int) (rune, bool) {
	if at+n > len(text) {
		return 0, false
	}
	for _, c := range []byte(text[at : at+n]) {
		if !isHex(c) {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(text[at:at+n], 16, 32)
	return rune(v), err == nil //nolint:gosec // at most 8 hex digits
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isOctal(c byte) bool { return c >= '0' && c <= '7' }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isBase64(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '-' || c == '_'
}
