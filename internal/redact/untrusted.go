package redact

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Untrusted is text a server or the transport supplied: a body, an OAuth2
// error field, a header, a value that failed to parse, the text of a
// net/http error (which quotes the raw request URL). It cannot
// be formatted raw: fmt, %v, %s, %q and JSON all give a placeholder. It
// reaches a person only through Output.Show, which bounds it, makes it
// UTF-8, and withholds it whole when it carries a credential.
//
// The zero value is the empty text.
type Untrusted struct{ s string }

// Kept is how much of a text an Untrusted keeps: what is shown (FieldLimit
// at most) and, past that, what is searched for an echo of a credential,
// so that one that begins in the part shown is found whole however it is
// encoded (an entity per byte is six times as long).
const Kept = 16 << 10

// The bounds of what Output shows.
const (
	// FieldLimit is the most of one text a person is shown.
	FieldLimit = 1 << 10
	// OutputLimit is the most server text one output (a diagnostic, a log
	// line) shows, all its texts together.
	OutputLimit = 4 << 10
)

// Placeholder is what formatting an Untrusted gives.
const Placeholder = "(server text)"

// UntrustedText wraps text from a server or the transport, keeping Kept
// bytes of it.
func UntrustedText(s string) Untrusted {
	if len(s) > Kept {
		s = s[:Kept]
	}
	return Untrusted{s}
}

// UntrustedBytes is UntrustedText for bytes.
func UntrustedBytes(b []byte) Untrusted { return UntrustedText(string(b[:min(len(b), Kept)])) }

// UntrustedError is the text of an error from a library (net/http,
// go-jose, encoding/json), whose wording may quote what a server sent or
// the raw request URL; the zero Untrusted for nil.
func UntrustedError(err error) Untrusted {
	if err == nil {
		return Untrusted{}
	}
	return UntrustedText(err.Error())
}

// IsZero reports whether the text is empty.
func (u Untrusted) IsZero() bool { return u.s == "" }

// Len is the length in bytes of what was kept.
func (u Untrusted) Len() int { return len(u.s) }

// Is reports whether the text is exactly s: for deciding from a server's
// word (an OAuth2 error code), never for showing it.
func (u Untrusted) Is(s string) bool { return u.s == s }

// Data is the text as a value Terraform stores (a state attribute: the
// granted scope, the token type), never for a sentence or a log line: the
// provider's TestServerTextOnlyThroughShow allows it only as the argument
// of a terraform-plugin-framework value constructor.
func (u Untrusted) Data() string { return u.s }

// String implements fmt.Stringer with the placeholder.
func (u Untrusted) String() string { return Placeholder }

// GoString is String, for %#v.
func (u Untrusted) GoString() string { return Placeholder }

// Format writes the placeholder for every verb.
func (u Untrusted) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Placeholder) }

// MarshalJSON writes the placeholder.
func (u Untrusted) MarshalJSON() ([]byte, error) { return []byte(`"` + Placeholder + `"`), nil }

// Output shows untrusted texts in one output (a diagnostic, a log line)
// within OutputLimit. It is the one way an Untrusted becomes text a person
// reads.
type Output struct {
	scrub *Scrubber
	left  int
}

// Output begins an output whose texts s checks for credentials.
func (s *Scrubber) Output() *Output { return &Output{scrub: s, left: OutputLimit} }

// Show returns the text as a person may read it, and false; or "" and
// true when it is withheld because it carries a credential. It
//   - makes the text UTF-8 (UTF-16 and UTF-32 with or without a byte-order
//     mark, NUL-interleaved text);
//   - withholds it whole when it, or what was kept past the part shown,
//     carries a credential in any form the scrubber finds (Carries), so
//     that no cut, mask or format can leave part of one;
//   - folds its runs of white space to one space and escapes control
//     characters (Printable);
//   - cuts what that gives to limit bytes (FieldLimit at most, and what is
//     left of the output's OutputLimit), marking a cut with an ellipsis.
func (o *Output) Show(u Untrusted, limit int) (text string, withheld bool) {
	if u.s == "" {
		return "", false
	}
	utf, carries := o.scrub.carries(u.s)
	if carries {
		return "", true
	}
	limit = min(limit, FieldLimit, o.left)
	text = cut(Printable(strings.Join(strings.Fields(utf), " ")), max(limit, 0))
	o.left -= len(text)
	return text, false
}

// cut returns text cut to at most n bytes at a character boundary, an
// ellipsis included when it was cut.
func cut(text string, n int) string {
	const ellipsis = " …"
	if len(text) <= n {
		return text
	}
	if n < len(ellipsis) {
		return ""
	}
	b := []byte(text[:n-len(ellipsis)])
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return strings.TrimRight(string(b), " ") + ellipsis
}

// ToUTF8 returns text as UTF-8: a UTF-8 byte-order mark dropped; UTF-16
// and UTF-32 (little or big endian), with a byte-order mark or recognised
// by their NULs (ASCII in UTF-16 has one in every second byte), decoded;
// remaining NULs dropped; bytes that are not UTF-8 become U+FFFD.
func ToUTF8(text string) string {
	b := []byte(text)
	switch {
	case hasPrefix(b, 0xEF, 0xBB, 0xBF):
		return ToUTF8(text[3:])
	case hasPrefix(b, 0xFF, 0xFE, 0, 0):
		return utf32(b[4:], binary.LittleEndian)
	case hasPrefix(b, 0, 0, 0xFE, 0xFF):
		return utf32(b[4:], binary.BigEndian)
	case hasPrefix(b, 0xFF, 0xFE):
		return utf16Text(b[2:], binary.LittleEndian)
	case hasPrefix(b, 0xFE, 0xFF):
		return utf16Text(b[2:], binary.BigEndian)
	}
	if !strings.Contains(text, "\x00") {
		return strings.ToValidUTF8(text, string(utf8.RuneError))
	}
	// Without a mark: where the NULs stand says the encoding.
	var nul [4]int
	for i, c := range b {
		if c == 0 {
			nul[i%4]++
		}
	}
	quarter := len(b) / 4
	switch most := func(n int) bool { return n*10 >= quarter*9 && quarter > 0 }; {
	case most(nul[1]) && most(nul[2]) && most(nul[3]) && nul[0] < quarter/2:
		return utf32(b, binary.LittleEndian)
	case most(nul[0]) && most(nul[1]) && most(nul[2]) && nul[3] < quarter/2:
		return utf32(b, binary.BigEndian)
	case most(nul[1]) && most(nul[3]) && nul[0]+nul[2] < quarter:
		return utf16Text(b, binary.LittleEndian)
	case most(nul[0]) && most(nul[2]) && nul[1]+nul[3] < quarter:
		return utf16Text(b, binary.BigEndian)
	}
	return strings.ToValidUTF8(strings.ReplaceAll(text, "\x00", ""), string(utf8.RuneError))
}

func hasPrefix(b []byte, p ...byte) bool { return len(b) >= len(p) && string(b[:len(p)]) == string(p) }

func utf16Text(b []byte, order binary.ByteOrder) string {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, order.Uint16(b[i:]))
	}
	return strings.ReplaceAll(string(utf16.Decode(units)), "\x00", "")
}

func utf32(b []byte, order binary.ByteOrder) string {
	var sb strings.Builder
	for i := 0; i+3 < len(b); i += 4 {
		r := rune(order.Uint32(b[i:])) //nolint:gosec // invalid runes become U+FFFD
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		if r != 0 {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// Unprintable, embedded in a struct that holds a credential (a client's
// configuration, an issued token, a Terraform model), makes every fmt verb
// (%v, %+v, %#v, %s, %q, a value logged or wrapped in an error) print
// Withheld and nothing of the struct, by value or by pointer: one type
// instead of a String and a GoString per struct, and no field a new
// credential could be added to unseen.
type Unprintable struct{}

// Withheld is what any formatting of a struct that embeds Unprintable gives.
const Withheld = "(withheld: it may hold a credential)"

// Format implements fmt.Formatter.
func (Unprintable) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Withheld) }
