package iamserver

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// The federated grants the server answers, and the token types of RFC 8693
// (protocol names, not credentials).
const (
	JWTBearerGrant     = "urn:ietf:params:oauth:grant-type:jwt-bearer"     //nolint:gosec // a protocol URN
	TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange" //nolint:gosec // a protocol URN
	TokenTypeJWT       = "urn:ietf:params:oauth:token-type:jwt"            //nolint:gosec // a protocol URN
	TokenTypeIDToken   = "urn:ietf:params:oauth:token-type:id_token"       //nolint:gosec // a protocol URN
	TokenTypeAccess    = "urn:ietf:params:oauth:token-type:access_token"   //nolint:gosec // a protocol URN
)

// TrustRelationship makes the server issue tokens for a CI issuer's tokens
// presented as the jwt-bearer grant's assertion (RFC 7523 2.1, Ory Hydra's
// trust relationships) or as a token exchange's subject_token (RFC 8693):
// a token whose iss and sub match, whose aud holds Audience (the token
// endpoint's URL when empty), signed by the issuer's key. Tokens are issued
// to ClientID (the token's sub when empty) with at most Scopes.
type TrustRelationship struct {
	Issuer   *CIIssuer
	Subject  string
	Audience string
	ClientID string
	Scopes   []string
	// SingleUse accepts each token once (by its jti, RFC 7523 section 3),
	// as Ory Hydra does: a token presented again is refused with
	// invalid_grant.
	SingleUse bool
}

// sendsClientCredentials reports whether a request carries any client
// authentication.
func sendsClientCredentials(r *http.Request, form url.Values) bool {
	return r.Header.Get("Authorization") != "" || form.Get("client_secret") != "" || form.Get("client_assertion") != ""
}

// federatedGrant answers jwt-bearer and token-exchange requests: the
// presented token must match a trust relationship.
func (s *Server) federatedGrant(r *http.Request, form url.Values, client Client, bound binding) (int, string, any) {
	exchange := form.Get("grant_type") == TokenExchangeGrant
	presented, issued := form.Get("assertion"), ""
	if exchange {
		presented = form.Get("subject_token")
		switch form.Get("subject_token_type") {
		case TokenTypeJWT, TokenTypeIDToken:
		default:
			return http.StatusBadRequest, client.ID, IamError{Error: "invalid_request", ErrorDescription: "subject_token_type must be a JWT or ID token type"}
		}
		switch issued = cmp.Or(form.Get("requested_token_type"), TokenTypeAccess); issued {
		case TokenTypeAccess, TokenTypeJWT:
		default:
			return http.StatusBadRequest, client.ID, IamError{Error: "invalid_target", ErrorDescription: "the requested_token_type cannot be issued"}
		}
	}
	if presented == "" {
		return http.StatusBadRequest, client.ID, IamError{Error: "invalid_request", ErrorDescription: "the grant's token is missing"}
	}
	trust, sub, desc := s.verifyTrusted(presented, s.URL()+r.URL.Path)
	if desc != "" {
		return http.StatusBadRequest, client.ID, IamError{Error: "invalid_grant", ErrorDescription: desc}
	}
	id := cmp.Or(trust.ClientID, sub)
	granted, errBody := s.narrow(Client{ID: id, Scopes: trust.Scopes}, form.Get("scope"))
	if errBody != nil {
		return http.StatusBadRequest, id, *errBody
	}
	body := s.issue(id, granted, bound)
	if exchange {
		body["issued_token_type"] = issued
		if issued != TokenTypeAccess {
			body["token_type"] = "N_A" // RFC 8693 2.2.1: not an access token
		}
	}
	return http.StatusOK, id, body
}

// verifyTrusted checks a presented token against the trust relationships:
// signature with the issuer's key, iss, sub, aud and exp. It returns the
// relationship and the token's subject, or why it was refused.
func (s *Server) verifyTrusted(presented, tokenURL string) (TrustRelationship, string, string) {
	tok, err := jwt.ParseSigned(presented, []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256})
	if err != nil {
		return TrustRelationship{}, "", "the presented token is not a signed JWT"
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return TrustRelationship{}, "", "the presented token's claims do not parse"
	}
	i := slices.IndexFunc(s.opts.TrustedIssuers, func(t TrustRelationship) bool {
		return t.Issuer != nil && t.Issuer.Issuer == unverified.Issuer && (t.Subject == "" || t.Subject == unverified.Subject)
	})
	if i < 0 {
		return TrustRelationship{}, "", "no trust relationship for the token's issuer and subject"
	}
	trust := s.opts.TrustedIssuers[i]
	var claims jwt.Claims
	if err := tok.Claims(trust.Issuer.PublicKey(), &claims); err != nil {
		return TrustRelationship{}, "", "the presented token's signature does not verify with its issuer's key"
	}
	err = claims.ValidateWithLeeway(jwt.Expected{Issuer: trust.Issuer.Issuer, AnyAudience: jwt.Audience{cmp.Or(trust.Audience, tokenURL)},
		Time: s.clock.Now()}, 0)
	switch {
	case err != nil:
		return TrustRelationship{}, "", "the presented token is not valid: " + strings.TrimPrefix(err.Error(), "go-jose/go-jose/jwt: ")
	case claims.Expiry == nil:
		return TrustRelationship{}, "", "the presented token has no exp"
	case trust.SingleUse && s.seen("subject", claims.ID, claims.Expiry.Time()):
		return TrustRelationship{}, "", "jti_known: the presented token was used before"
	}
	return trust, claims.Subject, ""
}

// seen reports whether a single-use JWT of kind ("subject", "dpop") with
// jti was presented before, and remembers it until exp.
func (s *Server) seen(kind, jti string, exp time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.jtis[kind+":"+jti]; seen {
		return true
	}
	s.jtis[kind+":"+jti] = exp
	return false
}
