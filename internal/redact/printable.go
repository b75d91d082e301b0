package redact

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Printable returns s with every control character shown escaped, so that
// text a server sent (an error description, a body, a header) cannot drive
// a terminal: C0 controls other than newline and tab, DEL, and C1 controls
// (and so every ESC and CSI sequence: colours, clear screen, OSC 8 links,
// the bell) become \x1b, \u009b and the like. Bytes that are not UTF-8
// become U+FFFD.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if unprintable(r) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case r < 0x80 && unprintable(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unprintable(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unprintable(r rune) bool {
	return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f
}

// URL returns a URL as it may be shown: without user info, and with the
// value of every query parameter replaced by Mask (names kept), since an
// endpoint may carry a key there (an Azure Function's ?code=). Text that
// does not parse as a URL is not shown at all.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not shown: not a valid URL)"
	}
	return ShowURL(u)
}

// ShowURL is URL for a parsed URL.
func ShowURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		var parts []string
		for _, p := range strings.Split(c.RawQuery, "&") {
			name, _, hasValue := strings.Cut(p, "=")
			if hasValue {
				name += "=" + Mask
			}
			parts = append(parts, name)
		}
		c.RawQuery = strings.Join(parts, "&")
	}
	return c.String()
}
