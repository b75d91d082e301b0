package tokenclient

import (
	"cmp"
	"context"
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

// A grantSpec is everything about one grant, so that adding one is one
// value in grantTypes: every list, check and description of grants is
// derived from them.
type grantSpec struct {
	grant GrantType
	// federated: the grant presents a subject token (Config.Subject, a CI
	// system's OIDC token) and the token is issued for it; the client
	// authenticates only when it has a credential, and its id may be empty.
	federated bool
	// doc says in Markdown what the grant sends, for grant_type's
	// description.
	doc string
	// fields are the form fields it writes (ReservedParams).
	fields []string
	// make is the grant of cfg.
	make func(cfg Config) grant
}

// grantTypes are the grants, default first.
var grantTypes = []grantSpec{
	{grant: GrantClientCredentials, doc: "the client authenticates and the token is its own", fields: []string{"grant_type"},
		make: func(Config) grant { return clientCredentials{} }},
	{grant: GrantJWTBearer, federated: true, fields: []string{"grant_type", "assertion"},
		doc: "the `workload_identity` token is the grant, sent as `assertion` (RFC 7523 section 2.1)",
		make: func(cfg Config) grant {
			return presented{grantType: JWTBearerGrantURN, field: "assertion", subject: cfg.Subject, sensitive: cfg.Sensitive}
		}},
	{grant: GrantTokenExchange, federated: true,
		// actor_token and its type are RFC 8693's too: never sent, and not
		// to be sent through extra_params either.
		fields: []string{"grant_type", "subject_token", "subject_token_type", "requested_token_type", "actor_token", "actor_token_type"},
		doc:    "the `workload_identity` token is exchanged, sent as `subject_token` (RFC 8693)",
		make: func(cfg Config) grant {
			fixed := url.Values{"subject_token_type": {cmp.Or(cfg.SubjectTokenType, TokenTypeJWT)}}
			if cfg.RequestedTokenType != "" {
				fixed.Set("requested_token_type", cfg.RequestedTokenType)
			}
			return presented{grantType: TokenExchangeGrantURN, field: "subject_token", fixed: fixed, subject: cfg.Subject, sensitive: cfg.Sensitive}
		}},
}

// GrantTypes lists the grants, default first.
var GrantTypes = specNames(grantTypes, func(s grantSpec) GrantType { return s.grant })

func grantSpecOf(g GrantType) (grantSpec, bool) {
	return specNamed(grantTypes, func(s grantSpec) GrantType { return s.grant }, g)
}

// Federated reports whether the grant presents a subject token (a CI
// system's OIDC token): the one place that says so.
func (g GrantType) Federated() bool { return g.spec().federated }

// Doc says in Markdown what the grant sends.
func (g GrantType) Doc() string { return g.spec().doc }

// spec is g's spec; the zero spec for a grant that is none.
func (g GrantType) spec() grantSpec {
	spec, _ := grantSpecOf(g)
	return spec
}

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

// presented is a grant that presents a subject token: grant_type, the
// token as field (obtained afresh for every attempt), and fixed fields.
// jwt_bearer sends it as assertion (RFC 7523 2.1); token_exchange as
// subject_token, with its type (RFC 8693 2.1).
type presented struct {
	grantType, field string
	fixed            url.Values
	subject          assertionSource
	sensitive        func(...string)
}

func (g presented) form(ctx context.Context, f url.Values) error {
	v, err := obtain(ctx, g.subject, g.sensitive)
	if err != nil {
		return err
	}
	f.Set("grant_type", g.grantType)
	f.Set(g.field, v)
	for k, vs := range g.fixed {
		f[k] = vs
	}
	return nil
}

// grantFor is the grant of cfg.
func grantFor(cfg Config) (grant, error) {
	spec, ok := grantSpecOf(cfg.GrantType)
	if !ok {
		return nil, fmt.Errorf("grant type %q is not one of %v", cfg.GrantType, GrantTypes)
	}
	if spec.federated && cfg.Subject == nil {
		return nil, fmt.Errorf("%w: the %s grant needs a subject token", ErrMissingCredential, cfg.GrantType)
	}
	return spec.make(cfg), nil
}
