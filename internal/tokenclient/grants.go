package tokenclient

import (
	"fmt"
	"net/url"
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

// subjectPlaceholder stands for the grant's subject (the assertion of
// jwt_bearer, the subject_token of token_exchange) in the form x/oauth2
// builds; the transport replaces it with a fresh one in every HTTP
// request, as it does the client assertion.
const subjectPlaceholder = "workiva-grant-subject-placeholder"

// grantParams sets the fields of the grant in v: grant_type and the
// subject for jwt_bearer and token_exchange.
func grantParams(cfg Config, v url.Values) error {
	switch cfg.GrantType {
	case GrantClientCredentials:
	case GrantJWTBearer:
		v.Set("grant_type", JWTBearerGrantURN)
		v.Set("assertion", subjectPlaceholder)
	case GrantTokenExchange:
		v.Set("grant_type", TokenExchangeGrantURN)
		v.Set("subject_token", subjectPlaceholder)
		if cfg.SubjectTokenType == "" {
			cfg.SubjectTokenType = TokenTypeJWT
		}
		v.Set("subject_token_type", cfg.SubjectTokenType)
		if cfg.RequestedTokenType != "" {
			v.Set("requested_token_type", cfg.RequestedTokenType)
		}
	default:
		return fmt.Errorf("grant type %q is not one of %v", cfg.GrantType, GrantTypes)
	}
	if cfg.GrantType != GrantClientCredentials && cfg.Subject == nil {
		return fmt.Errorf("%w: the %s grant needs a subject token", ErrMissingCredential, cfg.GrantType)
	}
	return nil
}
