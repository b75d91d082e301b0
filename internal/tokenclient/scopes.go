package tokenclient

import (
	"regexp"
	"slices"
	"strings"
)

// ScopeTokenPattern is RFC 6749 3.3's scope-token,
// 1*( %x21 / %x23-5B / %x5D-7E ), as a regular expression.
const ScopeTokenPattern = `^[\x21\x23-\x5B\x5D-\x7E]+$` //nolint:gosec // a pattern, not a credential

// ScopeTokenRE is ScopeTokenPattern compiled.
var ScopeTokenRE = regexp.MustCompile(ScopeTokenPattern)

// NormalizeScopes returns the scopes sorted with duplicates and empty strings
// removed. Two requests with the same normalised scopes share a cached token.
func NormalizeScopes(scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SplitScope splits a space-delimited scope string (RFC 6749 3.3) into its
// scopes, in the order given, without duplicates.
func SplitScope(scope string) []string {
	var out []string
	for _, s := range strings.Fields(scope) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// MissingScopes returns the requested scopes that are not in granted.
func MissingScopes(requested, granted []string) []string {
	var missing []string
	for _, s := range requested {
		if !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	return missing
}
