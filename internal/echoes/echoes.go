// Package echoes writes a value the ways servers no one here wrote echo
// it back: other languages' and libraries' escapes, text encodings, wraps,
// interleavings, fragments, hex, base32 and base64. It is for tests of the
// scrubber (internal/redact), which must find a credential in every one of
// them without having heard of them: none of the producers comes from
// internal/redact, and most are the standard library's or x/text's own
// encoders. It has no other use.
package echoes

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	htmltemplate "html/template"
	"mime"
	"mime/quotedprintable"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// A Producer is how some server writes a value it echoes. A Whole one is
// an encoding of a whole text (UTF-16, say): apply it to the message that
// holds the value, not to the value alone.
type Producer struct {
	Name  string
	Echo  func(string) string
	Whole bool
}

// p is a Producer of the value alone.
func p(name string, echo func(string) string) Producer { return Producer{Name: name, Echo: echo} }

// Message is text as a server that echoes s in it would send it, written
// by p: "client secret '<s>' is not valid", each producer applied where it
// applies.
func (p Producer) Message(s string) string {
	const before, after = "error: client secret '", "' is not valid"
	if p.Whole {
		return p.Echo(before + s + after)
	}
	return before + p.Echo(s) + after
}

// Producers are the 40 forms of the review of issue 21, and more.
var Producers = []Producer{
	// Escapes of other languages' string literals and markup.
	p("Go encoding/json", func(s string) string { b, _ := json.Marshal(s); return string(b) }),
	p("Go json.Encoder without HTML escaping", func(s string) string {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		_ = e.Encode(s)
		return b.String()
	}),
	p("JSON twice (a JSON body inside a JSON log line)", func(s string) string {
		b, _ := json.Marshal(s)
		c, _ := json.Marshal(string(b))
		return string(c)
	}),
	p("strconv.Quote", strconv.Quote),
	p("strconv.QuoteToASCII (\\u escapes)", strconv.QuoteToASCII),
	p("fmt %+q", func(s string) string { return fmt.Sprintf("%+q", s) }),
	p("html.EscapeString", html.EscapeString),
	p("html/template (HTML context)", func(s string) string { return render(`<p>{{.}}</p>`, s) }),
	p("html/template (JavaScript context)", func(s string) string { return render(`<script>var s = {{.}};</script>`, s) }),
	p("html/template (URL query context)", func(s string) string { return render(`<a href="/x?q={{.}}">x</a>`, s) }),
	p("template.JSEscapeString", htmltemplate.JSEscapeString),
	p("encoding/xml EscapeText", func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}),
	p("decimal references of every character", func(s string) string { return refs(s, "&#%d;") }),
	p("hex references of every character", func(s string) string { return refs(s, "&#x%x;") }),
	p("numeric references with 20 digits", func(s string) string { return refs(s, "&#%020d;") }),
	p("html.EscapeString six times over", func(s string) string {
		for range 6 {
			s = html.EscapeString(s)
		}
		return s
	}),
	p("C octal escapes", func(s string) string { return perByte(s, `\%03o`) }),
	p("JavaScript \\u{...} escapes", func(s string) string { return perRune(s, `\u{%x}`) }),
	p("CSS escapes", func(s string) string { return perRune(s, `\%x `) }),
	p("url.QueryEscape", url.QueryEscape),
	p("url.PathEscape", url.PathEscape),
	p("percent-encoding of every byte", func(s string) string { return perByte(s, "%%%02X") }),
	p("percent-encoding twice", func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }),
	p("quoted-printable (mime/quotedprintable)", func(s string) string {
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		_, _ = w.Write([]byte(strings.Repeat("x", 70) + s))
		_ = w.Close()
		return b.String()
	}),
	p("MIME Q encoded-word", func(s string) string { return mime.QEncoding.Encode("utf-8", s) }),
	p("MIME B encoded-word", func(s string) string { return mime.BEncoding.Encode("utf-8", s) }),
	// Text encodings.
	{Name: "UTF-16LE with a byte-order mark", Echo: encoder(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)), Whole: true},
	{Name: "UTF-16BE without a byte-order mark", Echo: encoder(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)), Whole: true},
	{Name: "UTF-32LE with a byte-order mark", Echo: encoder(utf32.UTF32(utf32.LittleEndian, utf32.UseBOM)), Whole: true},
	{Name: "UTF-32BE without a byte-order mark", Echo: encoder(utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)), Whole: true},
	p("fullwidth letters (width.Widen)", width.Widen.String),
	p("NFD (accents decomposed)", norm.NFD.String),
	p("NFKC", norm.NFKC.String),
	p("upper case", strings.ToUpper),
	// Interleavings and wraps.
	p("a NUL after every character", func(s string) string { return between(s, "\x00") }),
	p("a zero-width space after every character", func(s string) string { return between(s, "\u200b") }),
	p("a soft hyphen after every third character", func(s string) string { return every(s, 3, "\u00ad") }),
	p("a zero-width joiner after every fifth character", func(s string) string { return every(s, 5, "\u200d") }),
	p("wrapped at 10 columns (CRLF)", func(s string) string { return every(s, 10, "\r\n") }),
	p("wrapped at 7 columns inside an HTML <pre>", func(s string) string {
		return "<pre>" + every(html.EscapeString(s), 7, "\n") + "</pre>"
	}),
	p("grouped by 4 with dashes, like a licence key", func(s string) string { return every(s, 4, "-") }),
	p("spaced out", func(s string) string { return between(s, " ") }),
	// Fragments.
	p("the first 80 %", func(s string) string { return string([]rune(s)[:len([]rune(s))*4/5]) }),
	p("the last 70 %", func(s string) string { r := []rune(s); return string(r[len(r)*3/10:]) }),
	p("the middle 60 %", func(s string) string { r := []rune(s); return string(r[len(r)/5 : len(r)*4/5]) }),
	// Hex, base32 and base64 of the value alone or inside a longer text.
	p("hex (lower)", func(s string) string { return hex.EncodeToString([]byte(s)) }),
	p("hex (upper), colon-separated", func(s string) string {
		h := strings.ToUpper(hex.EncodeToString([]byte(s)))
		return every(h, 2, ":")
	}),
	p("base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }),
	p("base64url without padding", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }),
	p("base64 at offset 1 of a longer text", func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte("k" + s + "!"))
	}),
	p("base64 at offset 2 of a longer text", func(s string) string {
		return base64.URLEncoding.EncodeToString([]byte(`{"secret":"` + s + `"}`))
	}),
	p("base64 wrapped at 76 columns (MIME)", func(s string) string {
		return every(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("-", 40)+s)), 76, "\r\n")
	}),
	p("base32", func(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }),
	p("base32 (lower case, without padding)", func(s string) string {
		return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(s)))
	}),
	// Hex and base64 of the value in UTF-16 or UTF-32, as .NET
	// (Encoding.Unicode, Encoding.BigEndianUnicode, Encoding.UTF32) and
	// Windows' wide strings hold it.
	p("base64 of UTF-16LE (.NET Convert.ToBase64String(Encoding.Unicode.GetBytes(s)))", func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte(utf16LE(s)))
	}),
	p("base64 of UTF-16BE with a byte-order mark", func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte(encoder(unicode.UTF16(unicode.BigEndian, unicode.UseBOM))(s)))
	}),
	p("base64url of UTF-16LE of a longer text", func(s string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(utf16LE(`{"secret":"` + s + `"}`)))
	}),
	p("base64 of UTF-32LE", func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte(encoder(utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM))(s)))
	}),
	p("hex of UTF-16LE", func(s string) string { return hex.EncodeToString([]byte(utf16LE(s))) }),
	p("hex (upper) of UTF-16BE", func(s string) string {
		return strings.ToUpper(hex.EncodeToString([]byte(encoder(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM))(s))))
	}),
}

// utf16LE is s in UTF-16LE without a byte-order mark: .NET's
// Encoding.Unicode.GetBytes.
var utf16LE = encoder(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM))

func render(tmpl, s string) string {
	var b bytes.Buffer
	_ = htmltemplate.Must(htmltemplate.New("").Parse(tmpl)).Execute(&b, s)
	return b.String()
}

func encoder(e encoding.Encoding) func(string) string {
	return func(s string) string {
		out, _ := e.NewEncoder().String(s)
		return out
	}
}

// refs writes every character that is not an ASCII letter or digit as a
// numeric character reference.
func refs(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') && !strings.Contains(format, "020") {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, format, r)
		}
	}
	return b.String()
}

func perByte(s, format string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, format, c)
	}
	return b.String()
}

func perRune(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

func between(s, sep string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		b.WriteString(sep)
	}
	return b.String()
}

func every(s string, n int, sep string) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if i > 0 && i%n == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
