package redact

import "strings"

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
