package tokenclient

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Token is an issued access token.
type Token struct {
	AccessToken string
	// RefreshToken is set when the server issued one (RFC 6749 5.1); the
	// cache then renews the token with the refresh_token grant.
	RefreshToken string
	// TokenType is the token_type the server returned.
	TokenType string
	// Scope is the granted scope exactly as the server returned it, or the
	// requested scope (space-joined) when the server returned none.
	Scope string
	// ScopeReturned reports whether the server's response carried scope.
	ScopeReturned bool
	// GrantedScopes is Scope split on spaces.
	GrantedScopes []string
	// RequestedScopes are the normalised scopes that were requested.
	RequestedScopes []string
	// ExpiresIn is expires_in as the server returned it, in seconds;
	// HasExpiresIn is false when the server sent none.
	ExpiresIn    int64
	HasExpiresIn bool
	// ExpiresAt is when the token expires; zero when the server gave no
	// lifetime.
	ExpiresAt time.Time
	// IssuedAt is when the response arrived.
	IssuedAt time.Time
}

// String keeps the access and refresh tokens out of any formatting of a
// Token.
func (t *Token) String() string {
	return fmt.Sprintf("tokenclient.Token{Scope: %q, ExpiresAt: %s}", t.Scope, formatExpiry(t.ExpiresAt))
}

// GoString is String, for %#v.
func (t *Token) GoString() string { return t.String() }

// StaleAt is when the token stops being handed out to a caller that wants
// minValidity of its lifetime left (ReuseMargin when not positive):
// minValidity before it expires, or half its lifetime before for tokens
// that live no longer than two margins (so that a 60-second token is still
// shared for 30 seconds instead of being fetched again for every caller).
// It is zero for a token without expiry.
func (t *Token) StaleAt(minValidity time.Duration) time.Time {
	if t.ExpiresAt.IsZero() {
		return time.Time{}
	}
	margin := cmp.Or(max(minValidity, 0), ReuseMargin)
	if life := t.ExpiresAt.Sub(t.IssuedAt); life <= 2*margin {
		margin = life / 2
	}
	return t.ExpiresAt.Add(-margin)
}

// errBadExpiresIn marks a token response whose expires_in is unusable.
var errBadExpiresIn = errors.New("unusable expires_in")

// newToken reads an x/oauth2 token: the granted scope (RFC 6749 5.1: none
// means the requested one) and the lifetime, counted from start, when the
// request was sent, so that the expiry reported is never later than the
// server's.
func newToken(ot *oauth2.Token, requested []string, start, now time.Time) (*Token, error) {
	t := &Token{
		AccessToken:     ot.AccessToken,
		TokenType:       ot.TokenType,
		RefreshToken:    ot.RefreshToken,
		RequestedScopes: requested,
		IssuedAt:        now,
	}
	if s, ok := ot.Extra("scope").(string); ok {
		t.Scope, t.ScopeReturned = s, true
	} else {
		t.Scope = strings.Join(requested, " ")
	}
	t.GrantedScopes = SplitScope(t.Scope)
	// x/oauth2 has already rejected expires_in values that are not integers
	// (as JSON numbers or strings); read the value as sent.
	switch v := ot.Extra("expires_in").(type) {
	case float64:
		t.ExpiresIn, t.HasExpiresIn = int64(v), true
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			t.ExpiresIn, t.HasExpiresIn = n, true
		}
	}
	if t.HasExpiresIn && t.ExpiresIn < 0 {
		return nil, fmt.Errorf("%w: the token response gives expires_in %d; a lifetime cannot be negative", errBadExpiresIn, t.ExpiresIn)
	}
	if t.HasExpiresIn && t.ExpiresIn > 0 {
		t.ExpiresAt = start.Add(time.Duration(t.ExpiresIn) * time.Second).UTC()
	}
	return t, nil
}

func formatExpiry(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
