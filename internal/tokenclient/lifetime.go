package tokenclient

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxLifetime is the longest lifetime the client believes: a token response
// that gives more is clamped to it (LifetimeClamped). A year is longer than
// any access token we know of, and keeps expiry arithmetic far from the
// limits of time.Duration.
const MaxLifetime = 365 * 24 * time.Hour

// LifetimeRule says which rule lifetimeOf applied to a token response's
// expires_in (RFC 6749 5.1: "the lifetime in seconds of the access token").
type LifetimeRule string

// The rules. A value that is not a whole number of seconds (non-numeric,
// fractional) or is negative is no rule but ErrUnusableLifetime: the
// response is unusable.
const (
	// LifetimeGiven: a whole number of seconds from 1 to MaxLifetime, as a
	// JSON number, a JSON string, or a form or text value. The token
	// expires that long after the request was sent.
	LifetimeGiven LifetimeRule = "given"
	// LifetimeAbsent: no expires_in (or an empty one, or JSON null). RFC
	// 6749 makes it optional; the client cannot know when the token expires,
	// so it has no ExpiresAt and is reused for the life of the client.
	LifetimeAbsent LifetimeRule = "absent"
	// LifetimeZero: expires_in is 0. The token may stop working at once:
	// it has no ExpiresAt, is handed only to the callers that waited for
	// the request that fetched it, and is never reused.
	LifetimeZero LifetimeRule = "zero"
	// LifetimeClamped: more than MaxLifetime; the token is taken to live
	// MaxLifetime.
	LifetimeClamped LifetimeRule = "clamped"
)

// ErrUnusableLifetime marks a token response whose expires_in is not a
// lifetime: negative, fractional or not a number.
var ErrUnusableLifetime = errors.New("unusable expires_in")

// lifetime is what a token response says of its token's lifetime.
type lifetime struct {
	rule    LifetimeRule
	seconds int64  // the lifetime used: 0 unless LifetimeGiven or LifetimeClamped
	sent    string // expires_in as sent, for LifetimeClamped
}

// lifetimeOf is the one place that turns a token response's expires_in, as
// golang.org/x/oauth2 hands it over (Token.Extra: float64 or string from
// JSON, int64, float64 or string from a form or text body, nil when
// absent), into a lifetime. Every rule that depends on a token's lifetime
// (caching, MinValidity, the ephemeral resource's renewal) reads the Token
// this builds.
func lifetimeOf(v any) (lifetime, error) {
	switch x := v.(type) {
	case nil:
		return lifetime{rule: LifetimeAbsent}, nil
	case int64:
		return lifetimeOfSeconds(float64(x), strconv.FormatInt(x, 10))
	case float64:
		return lifetimeOfSeconds(x, strconv.FormatFloat(x, 'f', -1, 64))
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return lifetime{rule: LifetimeAbsent}, nil
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return lifetimeOfSeconds(float64(n), s)
		}
		// Integers beyond int64 and decimal notations.
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) || errors.Is(err, strconv.ErrRange) {
			return lifetimeOfSeconds(f, s)
		}
		return lifetime{}, fmt.Errorf("%w: expires_in %q is not a number of seconds", ErrUnusableLifetime, x)
	}
	return lifetime{}, fmt.Errorf("%w: expires_in is a JSON %s, not a number of seconds", ErrUnusableLifetime, jsonKind(v))
}

func lifetimeOfSeconds(f float64, text string) (lifetime, error) {
	switch {
	case f < 0:
		return lifetime{}, fmt.Errorf("%w: expires_in %s is negative; a lifetime cannot be", ErrUnusableLifetime, text)
	case f != math.Trunc(f):
		return lifetime{}, fmt.Errorf("%w: expires_in %s is not a whole number of seconds", ErrUnusableLifetime, text)
	case f == 0:
		return lifetime{rule: LifetimeZero}, nil
	case f > MaxLifetime.Seconds():
		return lifetime{rule: LifetimeClamped, seconds: int64(MaxLifetime.Seconds()), sent: text}, nil
	}
	return lifetime{rule: LifetimeGiven, seconds: int64(f)}, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}
