package iamserver

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DPoP makes the server a DPoP server (RFC 9449), written from the RFC
// apart from the provider's own proofs (internal/dpop): a token request
// with a DPoP proof gets a token bound to the proof's key (token_type
// DPoP, cnf.jkt), which the API routes take only as "Authorization: DPoP"
// with a proof of the same key for that request.
type DPoP struct {
	// Required refuses token requests without a proof.
	Required bool
	// Nonces makes every proof carry the server's current nonce, one for
	// the token endpoint and another for the API routes, as an
	// authorization server and a resource server each hand out their own;
	// a proof without it is refused with use_dpop_nonce and the nonce.
	Nonces bool
}

// binding is what an issued token is bound to: a DPoP key's thumbprint, a
// client certificate's (RFC 8705 3.1, x5t#S256).
type binding struct {
	jkt, x5t string
}

// proofClaims are a DPoP proof's claims.
type proofClaims struct {
	jwt.Claims
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	ATH   string `json:"ath"`
	Nonce string `json:"nonce"`
}

// The nonces of the token endpoint and of the API routes.
const (
	nonceToken = "token"
	nonceAPI   = "api"
)

// dpopNonce is the current nonce of where ("token", "api").
func (s *Server) dpopNonce(where string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nonces == nil {
		s.nonces = map[string]string{}
	}
	if s.nonces[where] == "" {
		s.nonces[where] = where + "-" + randomString()[:16]
	}
	return s.nonces[where]
}

// RotateDPoPNonces makes the server hand out new nonces, and refuse the
// old ones, as a server whose nonces expire does.
func (s *Server) RotateDPoPNonces() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonces = nil
}

// checkProof verifies r's DPoP proof for a request of r's method to r's
// URL (RFC 9449 4.3): one proof, typ dpop+jwt, an asymmetric algorithm, the
// public key it carries verifies it, htm and htu match, iat is recent, its
// jti unseen; ath the hash of accessToken when one is presented; the
// nonce of where when Nonces. It returns the key's thumbprint, or the
// error code (invalid_dpop_proof, use_dpop_nonce) and a description.
func (s *Server) checkProof(r *http.Request, accessToken, where string) (jkt, code, desc string) {
	proofs := r.Header.Values("DPoP")
	if len(proofs) != 1 {
		return "", "invalid_dpop_proof", "exactly one DPoP header is required"
	}
	tok, err := jwt.ParseSigned(proofs[0], []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.RS256, jose.PS256, jose.EdDSA})
	if err != nil || len(tok.Headers) != 1 {
		return "", "invalid_dpop_proof", "the DPoP proof is not a JWS with an asymmetric algorithm"
	}
	h := tok.Headers[0]
	if h.ExtraHeaders["typ"] != "dpop+jwt" || h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		return "", "invalid_dpop_proof", "the DPoP proof needs typ dpop+jwt and a public jwk"
	}
	var c proofClaims
	if err := tok.Claims(h.JSONWebKey.Key, &c); err != nil {
		return "", "invalid_dpop_proof", "the DPoP proof's signature does not verify with its jwk"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	now := s.clock.Now()
	switch {
	case c.HTM != r.Method:
		return "", "invalid_dpop_proof", "htm is not the request's method"
	case !sameTarget(c.HTU, scheme+"://"+r.Host+r.URL.EscapedPath()):
		return "", "invalid_dpop_proof", "htu is not the request's URL"
	case c.IssuedAt == nil || c.IssuedAt.Time().Before(now.Add(-time.Minute)) || c.IssuedAt.Time().After(now.Add(time.Minute)):
		return "", "invalid_dpop_proof", "iat is not within a minute"
	case c.ID == "":
		return "", "invalid_dpop_proof", "jti is missing"
	case accessToken != "" && c.ATH != hashOf(accessToken):
		return "", "invalid_dpop_proof", "ath is not the hash of the access token"
	}
	if s.opts.DPoP.Nonces && c.Nonce != s.dpopNonce(where) {
		return "", "use_dpop_nonce", "the DPoP proof must carry the server's nonce"
	}
	if s.seen("dpop", c.ID, now.Add(time.Minute)) {
		return "", "invalid_dpop_proof", "the DPoP proof's jti was used before"
	}
	thumb, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", "invalid_dpop_proof", "the jwk has no thumbprint"
	}
	return base64.RawURLEncoding.EncodeToString(thumb), "", ""
}

// sameTarget compares two URLs as RFC 9449 4.3 says htu is compared:
// without query and fragment, scheme and host in any case, a default port
// the same as none, the path as it was sent.
func sameTarget(a, b string) bool {
	cut := func(u string) string {
		u, _, _ = strings.Cut(u, "#")
		u, _, _ = strings.Cut(u, "?")
		scheme, rest, _ := strings.Cut(u, "://")
		host, path, _ := strings.Cut(rest, "/")
		scheme, host = strings.ToLower(scheme), strings.ToLower(host)
		host = strings.TrimSuffix(host, map[string]string{"https": ":443", "http": ":80"}[scheme])
		return scheme + "://" + host + "/" + path
	}
	return cut(a) == cut(b)
}

// hashOf is the base64url SHA-256 of s: a DPoP proof's ath, a
// certificate's x5t#S256.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// tokenBinding is what a token issued for r is bound to: the key of its
// DPoP proof (checked when the server is a DPoP server), the certificate
// the client presented when Options.BindCertificates. A refused proof is
// the error to answer.
func (s *Server) tokenBinding(r *http.Request) (binding, *IamError) {
	var b binding
	if s.opts.BindCertificates {
		b.x5t = certificateThumbprint(r)
	}
	if s.opts.DPoP == nil || (!s.opts.DPoP.Required && r.Header.Get("DPoP") == "") {
		return b, nil
	}
	jkt, code, desc := s.checkProof(r, "", nonceToken)
	if code != "" {
		return b, &IamError{Error: code, ErrorDescription: desc}
	}
	b.jkt = jkt
	return b, nil
}

// authorize checks the access token r presents to an API route: known,
// unexpired, and presented as it is bound (a DPoP token with "DPoP" and a
// proof of its key for this request, a certificate-bound one over a
// connection with that certificate). It returns the token, or the status
// and the challenge to answer with (WWW-Authenticate).
func (s *Server) authorize(r *http.Request) (is issued, status int, challenge string) {
	scheme, tok, found := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	bearer, dpop := strings.EqualFold(scheme, "Bearer"), strings.EqualFold(scheme, "DPoP")
	if !found || (!bearer && !dpop) {
		return issued{}, http.StatusUnauthorized, s.challenge(false, "", "")
	}
	s.mu.Lock()
	is, ok := s.tokens[tok]
	s.mu.Unlock()
	refuse := func(code, desc string) (issued, int, string) {
		return issued{}, http.StatusUnauthorized, s.challenge(dpop || is.bound.jkt != "", code, desc)
	}
	switch {
	case !ok:
		return refuse("invalid_token", "the access token is not recognised")
	case !s.clock.Now().Before(is.expires):
		return refuse("invalid_token", "the access token expired")
	case is.bound.jkt != "" && !dpop:
		return refuse("invalid_token", "the access token is bound to a DPoP key; present it as DPoP with a proof")
	case is.bound.jkt == "" && dpop:
		return refuse("invalid_token", "the access token is not DPoP-bound")
	case is.bound.x5t != "" && certificateThumbprint(r) != is.bound.x5t:
		return refuse("invalid_token", "the access token is bound to a client certificate the connection did not present")
	}
	if is.bound.jkt != "" {
		jkt, code, desc := s.checkProof(r, tok, nonceAPI)
		switch {
		case code != "":
			// use_dpop_nonce, or invalid_dpop_proof: the proof, not the
			// token, is refused (RFC 9449 7.1).
			return refuse(code, desc)
		case jkt != is.bound.jkt:
			return refuse("invalid_token", "the DPoP proof is not of the key the token is bound to")
		}
	}
	return is, http.StatusOK, ""
}

// certificateThumbprint is the x5t#S256 of the client certificate r's
// connection presented (RFC 8705 3.1); "" when it presented none.
func certificateThumbprint(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	return hashOf(string(r.TLS.PeerCertificates[0].Raw))
}

// challenge is a WWW-Authenticate value (RFC 6750 3, RFC 9449 7.1): DPoP's
// when the request was DPoP's (it presented a DPoP token, or its token is
// DPoP-bound) at a DPoP server, Bearer's otherwise.
func (s *Server) challenge(dpop bool, code, desc string) string {
	v := `Bearer realm="workiva"`
	if s.opts.DPoP != nil && dpop {
		v = `DPoP algs="ES256 ES384 RS256 PS256 EdDSA"`
	}
	if code != "" {
		v += `, error="` + code + `", error_description=` + quotedString(desc)
	}
	return v
}

// quotedString is s as an RFC 9110 quoted-string.
func quotedString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
