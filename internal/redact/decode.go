package redact

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"html"
	"slices"
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
// a byte or word without which the text holds none of its units ("" when
// any text may hold some).
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
	{"", runUnit},        // runs of hex, base32 and base64 that decode to UTF-8, UTF-16 or UTF-32 text
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

// minRun is the shortest run of hex, base32 or base64 that runUnit
// decodes: shorter runs are words, numbers and identifiers far more often
// than encodings, and decode to at most nine bytes.
const minRun = 12

// runAlphabets are the encodings runUnit decodes. pad is how many '=' may
// end a run.
var runAlphabets = [...]struct {
	in     func(byte) bool
	pad    int
	decode func(run string) ([]byte, error)
}{
	{isHex, 0, hex.DecodeString},
	{isBase32, 6, decodeBase32},
	{isStdBase64, 2, decodeBase64(base64.StdEncoding)},
	{isURLBase64, 2, decodeBase64(base64.URLEncoding)},
}

// The indexes of base64's two alphabets in runAlphabets.
const stdBase64, urlBase64 = 2, 3

// runClass has for every byte a bit 1<<j for each runAlphabets[j] it is a
// character of, so that runUnit reads a byte once for all of them.
var runClass = func() (class [256]uint8) {
	for c := range class {
		for j, a := range runAlphabets {
			if a.in(byte(c)) {
				class[c] |= 1 << j
			}
		}
	}
	return class
}()

// runUnit decodes a run of minRun or more characters of hex, base32 or
// base64 that begins at i, when what it decodes to is text (textOf): the
// hex, base32 or base64 of a credential, of its UTF-16 or UTF-32 (.NET's
// Convert.ToBase64String of Encoding.Unicode.GetBytes), or of a longer
// text that holds it. A run is the longest one of its alphabet, so that it
// is tried only where it begins (the byte before i is not of its
// alphabet): each byte of a text is read once per alphabet, and a run that
// decodes to no text costs one pass, not one for each of its positions.
//
// Where runs of several alphabets begin at i, the longest is tried first,
// for a shorter one is a part of it (base64 up to its first '-', which
// base64url goes on past); of runs as long, the first in runAlphabets (hex
// before base32 before base64: a run of hex digits is the others' only by
// chance). A run of base64 with none of "+/-_" is the same run in both
// alphabets and is decoded once.
func runUnit(text string, i int) (string, int) {
	begins := runClass[text[i]]
	if i > 0 {
		begins &^= runClass[text[i-1]]
	}
	if begins == 0 {
		return "", 0
	}
	// One pass finds where each run that begins at i ends (its padding
	// included): an alphabet leaves live at the first byte not its own.
	var ends [len(runAlphabets)]int
	for k, live := i, begins; live != 0; k++ {
		var class uint8
		if k < len(text) {
			class = runClass[text[k]]
		}
		if left := live &^ class; left != 0 && k-i >= minRun {
			for j, a := range runAlphabets {
				if left&(1<<j) != 0 {
					end := k
					for end < len(text) && end-k < a.pad && text[end] == '=' {
						end++
					}
					ends[j] = end
				}
			}
		}
		live &= class
	}
	if ends[urlBase64] == ends[stdBase64] {
		ends[urlBase64] = 0
	}
	// Longest first; of runs as long, in runAlphabets' order (stable).
	order := [len(runAlphabets)]int{}
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order[:], func(a, b int) int { return ends[b] - ends[a] })
	for _, j := range order {
		end := ends[j]
		if end == 0 {
			break
		}
		if b, err := runAlphabets[j].decode(text[i:end]); err == nil {
			if dec, ok := textOf(b); ok {
				return dec, end - i
			}
		}
	}
	return "", 0
}

// decodeBase32 decodes base32 (RFC 4648 6), padded or not, in upper or
// lower case; a run of both cases is base64's.
func decodeBase32(run string) ([]byte, error) {
	upper, lower := strings.IndexFunc(run, unicode.IsUpper) >= 0, strings.IndexFunc(run, unicode.IsLower) >= 0
	if upper && lower {
		return nil, errMixedCase
	}
	if lower {
		run = strings.ToUpper(run)
	}
	enc := base32.StdEncoding
	if !strings.HasSuffix(run, "=") {
		enc = enc.WithPadding(base32.NoPadding)
	}
	return enc.DecodeString(run)
}

var errMixedCase = errors.New("base32 of both cases")

// decodeBase64 decodes base64 in enc's alphabet, padded or not.
func decodeBase64(enc *base64.Encoding) func(string) ([]byte, error) {
	raw := enc.WithPadding(base64.NoPadding)
	return func(run string) ([]byte, error) {
		if strings.HasSuffix(run, "=") {
			return enc.DecodeString(run)
		}
		return raw.DecodeString(run)
	}
}

// textOf makes bytes decoded from a run UTF-8 and reports whether they are
// text: UTF-32 or UTF-16 in either byte order when the bytes say which
// (wideText), else as ToUTF8 makes them (a byte-order mark, UTF-8 as it
// is, a stray NUL dropped); and every character a graphic one, a space, a
// tab or a line break. Random bytes, and what a word, a number or a digest
// decodes to, are almost never that, so that ordinary text is left as it
// stands.
func textOf(b []byte) (string, bool) {
	if s := wideText(b); isText(s) {
		return s, true
	}
	if !wideMark(b) && (!utf8.Valid(b) || 2*bytes.Count(b, []byte{0}) >= len(b)) {
		return "", false // ToUTF8 would give U+FFFD, or what is left of a number that is mostly zeros
	}
	s := ToUTF8(string(b))
	return s, isText(s)
}

// isText reports whether s is text, as textOf says.
func isText(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsGraphic(r) && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return s != ""
}

// wideText decodes b as UTF-32 or UTF-16 without a byte-order mark (one is
// ToUTF8's) when its bytes say which, and is "" when they do not: UTF-32
// when b is two units or more, each a character and most not NUL, which
// random bytes almost never are; UTF-16 when most of its units outside
// surrogate pairs are ASCII or Latin-1 characters other than NUL (their
// high byte NUL, their low byte not). That is looser than ToUTF8's rule,
// which wants nine in ten characters ASCII, for a secret may be one part
// emoji; random bytes, and numbers that are mostly zeros, are still almost
// never so. UTF-16 of other scripts is found only by its byte-order mark.
func wideText(b []byte) string {
	if wideMark(b) {
		return ""
	}
	orders := []binary.ByteOrder{binary.LittleEndian, binary.BigEndian}
	for _, order := range orders {
		units, nul, valid := len(b)/4, 0, len(b) >= 8
		for i := 0; valid && i+4 <= len(b); i += 4 {
			r := rune(order.Uint32(b[i:])) //nolint:gosec // past U+10FFFF, negative included, is no character
			valid = utf8.ValidRune(r)
			if r == 0 {
				nul++
			}
		}
		if valid && 2*nul < units {
			return utf32(b, order)
		}
	}
	for _, order := range orders {
		// Once half of the units are not Latin-1, the rest need not be
		// read.
		latin, other := 0, 0
		for i := 0; i+2 <= len(b) && 4*other < len(b); i += 2 {
			switch u := order.Uint16(b[i:]); {
			case utf16.IsSurrogate(rune(u)):
			case u > 0 && u < 0x100:
				latin++
			default:
				other++
			}
		}
		if latin > other {
			return utf16Text(b, order)
		}
	}
	return ""
}

// wideMark reports whether b begins with the byte-order mark of UTF-16 or
// UTF-32.
func wideMark(b []byte) bool {
	return hasPrefix(b, 0xFF, 0xFE) || hasPrefix(b, 0xFE, 0xFF) || hasPrefix(b, 0, 0, 0xFE, 0xFF)
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

func isBase32(c byte) bool    { return isAlpha(c) || c >= '2' && c <= '7' }
func isStdBase64(c byte) bool { return isAlpha(c) || isDigit(c) || c == '+' || c == '/' }
func isURLBase64(c byte) bool { return isAlpha(c) || isDigit(c) || c == '-' || c == '_' }
