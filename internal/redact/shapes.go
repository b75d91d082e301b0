package redact

import (
	"slices"
	"strings"
	"unicode"
)

// The scrubber knows one credential without being told it: a Workiva client
// secret, "wk_secret:" followed by its kind and a random part
// ("wk_secret:oa2c:" and 20 letters and digits). Text that holds one, in
// any decoding, is masked or withheld as a known credential is, so that a
// secret the provider was not given (one pasted into client_id, another
// grant's that a server echoes) is not shown either.
const (
	workivaSecretPrefix = "wk_secret:"
	// minShapeTail is how many letters and digits must follow the prefix
	// for a text to hold a secret, so that a sentence naming the prefix
	// ("Workiva's secrets begin with wk_secret:") is not one.
	minShapeTail = window
)

// HasSecretShape reports whether s holds a credential in a shape the
// scrubber knows, as it stands: for refusing a value that belongs in
// another attribute (a Workiva secret pasted as the client id).
func HasSecretShape(s string) bool { return len(shapeSpans(s)) > 0 }

// shapeSpans are the spans of text that hold a known shape: the prefix, in
// any case, and the letters, digits, ':', '_' and '-' after it, when at
// least minShapeTail letters and digits follow it.
func shapeSpans(text string) [][2]int {
	lower := asciiLower(text)
	var out [][2]int
	for from := 0; ; {
		i := strings.Index(lower[from:], workivaSecretPrefix)
		if i < 0 {
			return out
		}
		start := from + i
		end, alnum := start+len(workivaSecretPrefix), 0
		for end < len(text) && (isAlpha(text[end]) || isDigit(text[end]) || text[end] == ':' || text[end] == '_' || text[end] == '-') {
			if isAlpha(text[end]) || isDigit(text[end]) {
				alnum++
			}
			end++
		}
		if alnum >= minShapeTail {
			out = append(out, [2]int{start, end})
		}
		from = start + len(workivaSecretPrefix)
	}
}

// shapeKey is how many letters and digits follow "wk_secret:" in a Workiva
// secret: its kind (oa2c) and its 20-character key.
const shapeKey = 24

// shapeSkeleton is the prefix's skeleton.
var shapeSkeleton = []rune("wksecret")

// shapeSkeletonSpans finds the shape in a text's skeleton, so that a secret
// broken by a wrap, a zero-width character, a soft hyphen or separators,
// or written in fullwidth letters, is found too: the prefix's skeleton and
// the shapeKey letters and digits after it, when at least window of them
// follow and they mix letters and digits (words after the prefix in a
// sentence rarely hold a digit).
func shapeSkeletonSpans(sk skeleton) [][2]int {
	var out [][2]int
	for i := 0; i+len(shapeSkeleton) <= len(sk.runes); i++ {
		if !runesAt(sk.runes, i, shapeSkeleton) {
			continue
		}
		from := i + len(shapeSkeleton)
		to := min(from+shapeKey, len(sk.runes))
		tail := sk.runes[from:to]
		if len(tail) >= window && slices.ContainsFunc(tail, unicode.IsLetter) && slices.ContainsFunc(tail, unicode.IsDigit) {
			out = append(out, [2]int{int(sk.start[i]), int(sk.end[to-1])})
		}
		i = from - 1
	}
	return out
}

func runesAt(rs []rune, i int, want []rune) bool {
	for j, r := range want {
		if rs[i+j] != r {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only, so that byte offsets stay
// those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
