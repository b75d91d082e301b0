package tokenclient

import (
	"cmp"
	"strings"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// Token is an issued access token.
type Token struct {
	redact.Unprintable
	AccessToken string
	// RefreshToken is set when the server issued one (RFC 6749 5.1). It is
	// never used (see Client.fetch); it is kept so that the caller can keep
	// it out of its output.
	RefreshToken string
	// What the server said of the token is redact.Untrusted, as all its
	// text is: values Terraform stores (Untrusted.Data), shown only through
	// redact.Output.
	//
	// TokenType is the token_type the server returned (N_A for a token
	// exchange's token that is no access token, RFC 8693 2.2.1).
	TokenType redact.Untrusted
	// IssuedTokenType is the issued_token_type of a token exchange's
	// response (RFC 8693 2.2.1); empty otherwise.
	IssuedTokenType redact.Untrusted
	// Scope is the granted scope exactly as the server returned it, or the
	// requested scope (space-joined) when the server returned none.
	Scope redact.Untrusted
	// ScopeReturned reports whether the server's response carried scope.
	ScopeReturned bool
	// GrantedScopes is Scope split on spaces; granted the same as sent.
	GrantedScopes []redact.Untrusted
	granted       []string
	// RequestedScopes are the normalised scopes that were requested.
	RequestedScopes []string `shown:"ours"`
	// Lifetime is the rule that read expires_in (see lifetimeOf);
	// ExpiresInSent is expires_in as sent when the rule is LifetimeClamped.
	Lifetime      LifetimeRule
	ExpiresInSent redact.Untrusted
	// ExpiresIn is the lifetime in seconds the client uses (expires_in,
	// clamped to MaxLifetime); zero when the server sent none
	// (HasExpiresIn).
	ExpiresIn int64
	// ExpiresAt is when the token expires, counted from when the request was
	// sent; zero when the lifetime is not known (LifetimeAbsent,
	// LifetimeZero).
	ExpiresAt time.Time
	// IssuedAt is when the response arrived.
	IssuedAt time.Time
}

// HasExpiresIn reports whether the server sent expires_in.
func (t *Token) HasExpiresIn() bool { return t.Lifetime != LifetimeAbsent }

// MissingScopes are the requested scopes the server did not grant.
func (t *Token) MissingScopes() []string { return MissingScopes(t.RequestedScopes, t.granted) }

// NotBearer reports that the server gave a token_type other than Bearer
// (in any case), and not a token exchange's N_A for a token that is no
// access token (RFC 8693 2.2.1).
func (t *Token) NotBearer() bool {
	tt := t.TokenType.Data()
	return tt != "" && !strings.EqualFold(tt, "Bearer") && (t.IssuedTokenType.IsZero() || tt != "N_A")
}

// DPoP reports that the server bound the token to the client's DPoP key
// (token_type DPoP, RFC 9449 5): it is presented with a proof of that key.
func (t *Token) DPoP() bool { return strings.EqualFold(t.TokenType.Data(), "DPoP") }

// lifetime is how long the token lives from when it arrived; zero when not
// known.
func (t *Token) lifetime() time.Duration {
	if t.ExpiresAt.IsZero() {
		return 0
	}
	return t.ExpiresAt.Sub(t.IssuedAt)
}

// ShorterThan reports whether the token arrived with no more than
// minValidity (ReuseMargin when not positive) of its lifetime left, so
// that it cannot meet that MinValidity.
func (t *Token) ShorterThan(minValidity time.Duration) bool {
	return !t.ExpiresAt.IsZero() && t.lifetime() <= cmp.Or(max(minValidity, 0), ReuseMargin)
}

// StaleAt is when the token stops being handed out to a caller that wants
// minValidity (ReuseMargin when not positive) of its lifetime left: that
// long before it expires, so that every token handed out has at least
// minValidity left. A token that arrived with no more than minValidity
// left (ShorterThan) cannot meet it; it is shared for the first half of
// its lifetime, so that a wave of callers costs one request, not one each.
// StaleAt is zero for a token whose expiry is not known.
func (t *Token) StaleAt(minValidity time.Duration) time.Time {
	if t.ExpiresAt.IsZero() {
		return time.Time{}
	}
	if t.ShorterThan(minValidity) {
		return t.IssuedAt.Add(t.lifetime() / 2)
	}
	return t.ExpiresAt.Add(-cmp.Or(max(minValidity, 0), ReuseMargin))
}

// reusable reports whether the token may be cached for later callers.
func (t *Token) reusable() bool { return t.Lifetime != LifetimeZero }

// newToken reads a token response: the granted scope (RFC 6749 5.1: none
// means the requested one) and the lifetime (the one rule, lifetimeOf),
// counted from start, when the request was sent, so that the expiry
// reported is never later than the server's.
func newToken(r response, requested []string, start, now time.Time) (*Token, error) {
	t := &Token{
		AccessToken:     r.accessToken,
		TokenType:       redact.UntrustedText(r.tokenType),
		RefreshToken:    r.refreshToken,
		RequestedScopes: requested,
		IssuedAt:        now,
	}
	scope, returned := r.extra("scope").(string)
	if !returned {
		scope = strings.Join(requested, " ")
	}
	t.Scope, t.ScopeReturned = redact.UntrustedText(scope), returned
	t.granted = SplitScope(scope)
	for _, g := range t.granted {
		t.GrantedScopes = append(t.GrantedScopes, redact.UntrustedText(g))
	}
	issued, _ := r.extra("issued_token_type").(string)
	t.IssuedTokenType = redact.UntrustedText(issued)
	lt, err := lifetimeOf(r.extra("expires_in"))
	if err != nil {
		return nil, err
	}
	t.Lifetime, t.ExpiresIn, t.ExpiresInSent = lt.rule, lt.seconds, redact.UntrustedText(lt.sent)
	if lt.seconds > 0 {
		t.ExpiresAt = start.Add(time.Duration(lt.seconds) * time.Second).UTC()
	}
	return t, nil
}

func formatExpiry(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
