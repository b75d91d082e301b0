package tokenclient

import "fmt"

// Test-only access to unexported parts, for the tokenclient_test package.

// ValidateScope is an independent, character-by-character reading of RFC
// 6749 3.3's scope-token, for FuzzScope to check ScopeTokenRE against.
func ValidateScope(s string) error {
	if s == "" {
		return fmt.Errorf("scope is empty")
	}
	for i, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			return fmt.Errorf("scope %q contains whitespace at position %d", s, i)
		case r == '"' || r == '\\':
			return fmt.Errorf("scope %q contains %q at position %d", s, r, i)
		case r < 0x21 || r > 0x7e:
			return fmt.Errorf("scope %q contains the character %q at position %d", s, r, i)
		}
	}
	return nil
}
