package tokenclient

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ScopeTokenPattern is RFC 6749 3.3's scope-token,
// 1*( %x21 / %x23-5B / %x5D-7E ), as a regular expression.
const ScopeTokenPattern = `^[\x21\x23-\x5B\x5D-\x7E]+$` //nolint:gosec // a pattern, not a credential

// ScopeTokenRE is ScopeTokenPattern compiled.
var ScopeTokenRE = regexp.MustCompile(ScopeTokenPattern)

// ValidateScope reports whether s is a scope token as RFC 6749 3.3 defines it:
// one or more characters from %x21 / %x23-5B / %x5D-7E, that is printable
// ASCII except space, double quote and backslash.
func ValidateScope(s string) error {
	if s == "" {
		return fmt.Errorf("scope is empty")
	}
	for i, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			return fmt.Errorf("scope %q contains whitespace at position %d; give each scope as its own list element", s, i)
		case r == '"' || r == '\\':
			return fmt.Errorf("scope %q contains %q at position %d, which RFC 6749 section 3.3 does not allow", s, r, i)
		case r < 0x21 || r > 0x7e:
			return fmt.Errorf("scope %q contains the character %q at position %d; RFC 6749 section 3.3 allows printable ASCII only", s, r, i)
		}
	}
	return nil
}

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
