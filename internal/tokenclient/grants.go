package tokenclient

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
)

// GrantType is the OAuth2 grant a token request uses.
type GrantType string

// The grants.
const (
	// GrantClientCredentials is RFC 6749 4.4: the client authenticates and
	// the token is the client's.
	GrantClientCredentials GrantType = "client_credentials"
	// GrantJWTBearer is RFC 7523 2.1: a JWT (a CI system's OIDC token) is
	// the grant, sent as assertion.
	GrantJWTBearer GrantType = "jwt_bearer"
	// GrantTokenExchange is RFC 8693: a token (a CI system's OIDC token) is
	// exchanged, sent as subject_token.
	GrantTokenExchange GrantType = "token_exchange"
)

// GrantTypes lists the grants, default first.
var GrantTypes = []string{string(GrantClientCredentials), string(GrantJWTBearer), string(GrantTokenExchange)}

// The protocol names of the grants and token types.
const (
	JWTBearerGrantURN     = "urn:ietf:params:oauth:grant-type:jwt-bearer"     //nolint:gosec // a protocol URN
	TokenExchangeGrantURN = "urn:ietf:params:oauth:grant-type:token-exchange" //nolint:gosec // a protocol URN
	// TokenTypeJWT is the default subject_token_type of token_exchange.
	TokenTypeJWT = "urn:ietf:params:oauth:token-type:jwt" //nolint:gosec // a protocol URN
	// TokenTypeAccessToken is the usual requested_token_type.
	TokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token" //nolint:gosec // a protocol URN
)

// grant is the grant of a token request: its form fields, the subject
// token afresh for every attempt.
type grant interface {
	form(ctx context.Context, f url.Values) error
}

// clientCredentials is RFC 6749 4.4.2.
type clientCredentials struct{}

func (clientCredentials) form(_ context.Context, f url.Values) error {
	f.Set("grant_type", "client_credentials")
	return nil
}

// jwtBearer is RFC 7523 2.1: the subject token is the assertion.
type jwtBearer struct {
	subject   assertionSource
	sensitive func(...string)
}

func (g jwtBearer) form(ctx context.Context, f url.Values) error {
	v, err := fresh(ctx, g.subject, g.sensitive)
	if err != nil {
		return err
	}
	f.Set("grant_type", JWTBearerGrantURN)
	f.Set("assertion", v)
	return nil
}

// tokenExchange is RFC 8693 2.1: the subject token is exchanged.
type tokenExchange struct {
	subject                         assertionSource
	subjectTokenType, requestedType string
	sensitive                       func(...string)
}

func (g tokenExchange) form(ctx context.Context, f url.Values) error {
	v, err := fresh(ctx, g.subject, g.sensitive)
	if err != nil {
		return err
	}
	f.Set("grant_type", TokenExchangeGrantURN)
	f.Set("subject_token", v)
	f.Set("subject_token_type", g.subjectTokenType)
	if g.requestedType != "" {
		f.Set("requested_token_type", g.requestedType)
	}
	return nil
}

// grantFor is the grant of cfg.
func grantFor(cfg Config) (grant, error) {
	if !slices.Contains(GrantTypes, string(cfg.GrantType)) {
		return nil, fmt.Errorf("grant type %q is not one of %v", cfg.GrantType, GrantTypes)
	}
	if cfg.GrantType != GrantClientCredentials && cfg.Subject == nil {
		return nil, fmt.Errorf("%w: the %s grant needs a subject token", ErrMissingCredential, cfg.GrantType)
	}
	switch cfg.GrantType {
	case GrantClientCredentials:
		return clientCredentials{}, nil
	case GrantJWTBearer:
		return jwtBearer{subject: cfg.Subject, sensitive: cfg.Sensitive}, nil
	case GrantTokenExchange:
		return tokenExchange{subject: cfg.Subject, subjectTokenType: cmp.Or(cfg.SubjectTokenType, TokenTypeJWT),
			requestedType: cfg.RequestedTokenType, sensitive: cfg.Sensitive}, nil
	}
	return clientCredentials{}, nil
}
