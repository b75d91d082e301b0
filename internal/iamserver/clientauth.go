package iamserver

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// ClientAssertionType is the only client_assertion_type the server accepts
// (RFC 7523 2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// The client authentication methods the server records (the names of
// OpenID Connect's token_endpoint_auth_method).
const (
	MethodSecretBasic = "client_secret_basic"
	MethodSecretPost  = "client_secret_post"
	MethodJWT         = "private_key_jwt" // any JWT client assertion: signed by the client or by a workload-identity issuer
	MethodSecretJWT   = "client_secret_jwt"
	MethodTLS         = "tls_client_auth"
)

// authenticateClient authenticates the client of a token request by exactly
// one method: a Basic header or the body's client_secret (RFC 6749 2.3), a
// JWT client assertion (RFC 7523 2.2), or, with nothing else, the client
// certificate of the TLS handshake (RFC 8705 2.1). It returns the client
// and the method, or the status and error to answer with.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (Client, string, int, *IamError) {
	headerID, headerSecret, hasBasic := s.basicAuth(r)
	bodyID, bodySecret := form.Get("client_id"), form.Get("client_secret")
	hasAssertion := form.Get("client_assertion") != "" || form.Get("client_assertion_type") != ""
	if hasBasic && (bodyID != "" || bodySecret != "" || hasAssertion) {
		return Client{}, "", http.StatusBadRequest, &IamError{Error: "invalid_request", ErrorDescription: "client credentials were sent both in the Authorization header and in the request body; use one method"}
	}
	if hasAssertion && bodySecret != "" {
		return Client{}, "", http.StatusBadRequest, &IamError{Error: "invalid_request", ErrorDescription: "a client secret and a client assertion were both sent; use one method"}
	}
	failed := &IamError{Error: "invalid_client", ErrorDescription: "client authentication failed"}
	switch {
	case hasAssertion:
		c, method, desc := s.verifyAssertion(r, form, bodyID)
		if desc != "" {
			return Client{}, "", http.StatusUnauthorized, &IamError{Error: "invalid_client", ErrorDescription: desc}
		}
		return c, method, 0, nil
	case hasBasic:
		if c, ok := s.authenticate(headerID, headerSecret, MethodSecretBasic); ok {
			return c, MethodSecretBasic, 0, nil
		}
	case bodySecret != "":
		if c, ok := s.authenticate(bodyID, bodySecret, MethodSecretPost); ok {
			return c, MethodSecretPost, 0, nil
		}
	case bodyID != "" && r.TLS != nil && len(r.TLS.PeerCertificates) > 0:
		if c, ok := s.clientByID(bodyID); ok && c.CertificateSubject != "" && c.CertificateSubject == r.TLS.PeerCertificates[0].Subject.CommonName {
			return c, MethodTLS, 0, nil
		}
	case bodyID == "":
		return Client{}, "", http.StatusUnauthorized, &IamError{Error: "invalid_client", ErrorDescription: "client authentication is required"}
	}
	return Client{}, "", http.StatusUnauthorized, failed
}

// verifyAssertion checks a JWT client assertion: type, signature with the
// client's public key (RS256, PS256 or ES256), iss = sub = the client id
// (and client_id when sent), aud = the endpoint's URL, not expired, and a
// jti not seen before. It returns the client, or why the assertion was
// refused.
func (s *Server) verifyAssertion(r *http.Request, form url.Values, bodyID string) (Client, string, string) {
	if form.Get("client_assertion_type") != ClientAssertionType {
		return Client{}, "", "unsupported client_assertion_type"
	}
	tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256, jose.HS256})
	if err != nil {
		return Client{}, "", "the client assertion is not a signed JWT with RS256, PS256, ES256 or HS256"
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return Client{}, "", "the client assertion's claims do not parse"
	}
	if c, f, ok := s.federatedClient(bodyID, unverified.Issuer); ok {
		c, desc := s.verifyFederated(tok, c, f)
		return c, MethodJWT, desc
	}
	c, ok := s.clientByID(unverified.Issuer)
	// client_secret_jwt: HS256 keyed with the client's secret.
	var key any = c.PublicKey
	method := MethodJWT
	if tok.Headers[0].Algorithm == string(jose.HS256) {
		key, method = []byte(c.Secret), MethodSecretJWT
		if c.Secret == "" {
			key = nil
		}
	}
	if !ok || key == nil || (bodyID != "" && bodyID != c.ID) {
		return Client{}, "", "client authentication failed"
	}
	var claims jwt.Claims
	if err := tok.Claims(key, &claims); err != nil {
		return Client{}, "", "the client assertion's signature does not verify with the client's key"
	}
	now := s.clock.Now()
	err = claims.ValidateWithLeeway(jwt.Expected{Issuer: c.ID, Subject: c.ID, AnyAudience: s.audiences(r), Time: now}, 0)
	switch {
	case err != nil:
		return Client{}, "", "the client assertion is not valid: " + err.Error()
	case claims.Expiry == nil:
		return Client{}, "", "the client assertion has no exp"
	case claims.ID == "":
		return Client{}, "", "the client assertion has no jti"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.jtis[claims.ID]; seen && !c.ReusableAssertions {
		return Client{}, "", "the client assertion was replayed (its jti was seen before)"
	}
	s.jtis[claims.ID] = claims.Expiry.Time()
	for jti, exp := range s.jtis {
		if exp.Before(now.Add(-time.Minute)) {
			delete(s.jtis, jti)
		}
	}
	return c, method, ""
}

// verifyFederated checks a CI issuer's token as client c's assertion: the
// issuer's signature, iss, sub, aud (the credential's audience) and exp.
// CI tokens are handed out once per job and used for every request of it,
// so a jti is not refused when seen again.
func (s *Server) verifyFederated(tok *jwt.JSONWebToken, c Client, f FederatedCredential) (Client, string) {
	var claims jwt.Claims
	if err := tok.Claims(f.Issuer.PublicKey(), &claims); err != nil {
		return Client{}, "the workload-identity token's signature does not verify with its issuer's key"
	}
	err := claims.ValidateWithLeeway(jwt.Expected{Issuer: f.Issuer.Issuer, Subject: f.Subject, AnyAudience: jwt.Audience{f.Audience},
		Time: s.clock.Now()}, 0)
	switch {
	case err != nil:
		return Client{}, "the workload-identity token does not match the client's federated credential: " + err.Error()
	case claims.Expiry == nil:
		return Client{}, "the workload-identity token has no exp"
	}
	return c, ""
}

// clientByID returns the client with id.
func (s *Server) clientByID(id string) (Client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	return c, ok
}

// audiences are the aud values a client assertion may carry at r's
// endpoint: the endpoint's URL, and at the revocation endpoint the token
// endpoint's too (the client authenticates there as at the token
// endpoint; RFC 7523 3 lets aud be any URL that identifies the server).
func (s *Server) audiences(r *http.Request) jwt.Audience {
	aud := jwt.Audience{s.URL() + r.URL.Path}
	if strings.HasSuffix(r.URL.Path, RevokePath) {
		aud = append(aud, s.URL()+strings.TrimSuffix(r.URL.Path, RevokePath)+TokenPath)
	}
	return aud
}
