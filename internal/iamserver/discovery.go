package iamserver

import (
	"net/http"
	"strings"
)

// Paths of authorization server metadata (RFC 8414, OpenID Connect
// Discovery 1.0) and of token revocation (RFC 7009).
const (
	OAuthMetadataPath = "/.well-known/oauth-authorization-server"
	OIDCMetadataPath  = "/.well-known/openid-configuration"
	RevokePath        = "/oauth2/revoke"
)

// Discovery, when set in Options, makes the server an issuer that states
// its metadata, as RFC 8414 and OpenID Connect Discovery place it, and
// serves the revocation endpoint (RevokePath), which the protected API
// honours. Workiva's IAM has neither; real servers (Okta, Keycloak, Ory
// Hydra, Entra ID) do, each a little differently, which the fields set.
type Discovery struct {
	// IssuerPath is the issuer's path ("/tenants/acme"; "" for the host's
	// root). TrailingSlash ends the issuer with "/", as Ory Hydra's does.
	IssuerPath    string
	TrailingSlash bool
	// OIDCOnly serves only OpenID Connect Discovery's document (Hydra,
	// Keycloak), so that RFC 8414's URL answers 404.
	OIDCOnly bool
	// AuthMethods is token_endpoint_auth_methods_supported; left out when
	// nil.
	AuthMethods []string
	// StatedIssuer, when set, is stated instead of the issuer (a server
	// that answers for another).
	StatedIssuer string
	// NoRevocation leaves the revocation endpoint out of the document.
	NoRevocation bool
	// MTLSAliases states mtls_endpoint_aliases (RFC 8705 5): the same
	// endpoints under MTLSPrefix, which the server also serves.
	MTLSAliases bool
	// Extra is added to the document as given (a server's own members).
	Extra map[string]any
}

// MTLSPrefix is the path prefix of the mTLS endpoint aliases.
const MTLSPrefix = "/mtls"

// Issuer is the issuer identifier of a server with Discovery; empty
// without.
func (s *Server) Issuer() string {
	d := s.opts.Discovery
	if d == nil {
		return ""
	}
	iss := s.URL() + d.IssuerPath
	if d.TrailingSlash {
		iss += "/"
	}
	return iss
}

// RevokeURL is the revocation endpoint.
func (s *Server) RevokeURL() string { return s.URL() + RevokePath }

// routeDiscovery adds the metadata documents, the revocation endpoint and
// the mTLS aliases to mux.
func (s *Server) routeDiscovery(mux *http.ServeMux) {
	d := s.opts.Discovery
	p := strings.TrimSuffix(d.IssuerPath, "/")
	if d.OIDCOnly {
		mux.HandleFunc(OAuthMetadataPath+p, func(w http.ResponseWriter, r *http.Request) {
			s.record(r, nil, "", http.StatusNotFound)
			http.NotFound(w, r)
		})
	} else {
		mux.HandleFunc(OAuthMetadataPath+p, s.handleMetadata)
	}
	mux.HandleFunc(p+OIDCMetadataPath, s.handleMetadata)
	mux.HandleFunc(RevokePath, s.handleRevoke)
	if d.MTLSAliases {
		mux.HandleFunc(MTLSPrefix+TokenPath, s.handleToken(CurrentVersion))
		mux.HandleFunc(MTLSPrefix+RevokePath, s.handleRevoke)
	}
}

// MetadataRequests are the requests received for a metadata document.
func (s *Server) MetadataRequests() []Request {
	return s.requestsOn(func(p string) bool { return strings.Contains(p, "/.well-known/") })
}

// RevokeRequests are the requests received on the revocation endpoint.
func (s *Server) RevokeRequests() []Request {
	return s.requestsOn(func(p string) bool { return strings.HasSuffix(p, RevokePath) })
}

func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	d := s.opts.Discovery
	s.record(r, nil, "", http.StatusOK)
	issuer := s.Issuer()
	if d.StatedIssuer != "" {
		issuer = d.StatedIssuer
	}
	doc := map[string]any{
		"issuer":                   issuer,
		"token_endpoint":           s.TokenURL(),
		"grant_types_supported":    []string{"client_credentials", JWTBearerGrant, TokenExchangeGrant},
		"response_types_supported": []string{"token"},
	}
	if !d.NoRevocation {
		doc["revocation_endpoint"] = s.RevokeURL()
	}
	if d.AuthMethods != nil {
		doc["token_endpoint_auth_methods_supported"] = d.AuthMethods
		doc["revocation_endpoint_auth_methods_supported"] = d.AuthMethods
	}
	if d.MTLSAliases {
		aliases := map[string]string{"token_endpoint": s.URL() + MTLSPrefix + TokenPath}
		if !d.NoRevocation {
			aliases["revocation_endpoint"] = s.URL() + MTLSPrefix + RevokePath
		}
		doc["mtls_endpoint_aliases"] = aliases
	}
	for k, v := range d.Extra {
		doc[k] = v
	}
	writeJSON(w, http.StatusOK, doc)
}

// handleRevoke is the revocation endpoint (RFC 7009): the client
// authenticates as at the token endpoint; a token issued to it is revoked,
// and the protected API refuses it from then on. An unknown token is
// answered 200 as well (RFC 7009 2.2); one issued to another client is
// refused.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	raw, _ := bufferBody(w, r) // the form is what could be read
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		s.record(r, r.PostForm, "", http.StatusBadRequest)
		writeJSON(w, http.StatusBadRequest, IamError{Error: "invalid_request", ErrorDescription: "POST a form"})
		return
	}
	if fault, scripted := s.nextFault(); scripted && fault.Status != 0 {
		s.record(r, r.PostForm, "", fault.Status)
		writeFault(w, fault, r, raw)
		return
	}
	c, method, status, errBody := s.authenticateClient(r, r.PostForm)
	if errBody != nil {
		s.recordAuth(r, r.PostForm, "", "", status)
		writeJSON(w, status, errBody)
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		s.recordAuth(r, r.PostForm, c.ID, method, http.StatusBadRequest)
		writeJSON(w, http.StatusBadRequest, IamError{Error: "invalid_request", ErrorDescription: "token is missing"})
		return
	}
	s.mu.Lock()
	is, known := s.tokens[tok]
	if known && is.clientID != c.ID {
		s.mu.Unlock()
		s.recordAuth(r, r.PostForm, c.ID, method, http.StatusBadRequest)
		writeJSON(w, http.StatusBadRequest, IamError{Error: "invalid_request", ErrorDescription: "the token was issued to another client"})
		return
	}
	delete(s.tokens, tok)
	if known {
		s.revoked = append(s.revoked, tok)
	}
	s.mu.Unlock()
	s.recordAuth(r, r.PostForm, c.ID, method, http.StatusOK)
	w.WriteHeader(http.StatusOK)
}

// Revoked are the tokens revoked so far, oldest first.
func (s *Server) Revoked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.revoked...)
}
