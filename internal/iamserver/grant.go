package iamserver

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KnownScopes are the scopes the 2026-01-01 API specification lists, plus the
// legacy data_tables scopes. A requested scope outside this list and outside
// every configured client's grant is answered with invalid_scope.
var KnownScopes = []string{
	"activity:read", "file:read", "file:write", "graph:read", "graph:write",
	"organization:read", "organization:write", "task:read", "task:write",
	"data_tables|r", "data_tables|w",
}

// Client is an API grant the server accepts.
type Client struct {
	ID     string
	Secret string
	// SecretMethods limits how the secret may be sent (MethodSecretBasic,
	// MethodSecretPost), as a client registered with one
	// token_endpoint_auth_method is; empty allows both. A secret sent
	// another way is refused with 401 invalid_client.
	SecretMethods []string
	// Scopes is the grant's scope list. A request without scope receives all
	// of them; a request with scope receives the intersection.
	Scopes []string
	// PublicKey verifies the client's JWT client assertions (RS256, PS256,
	// ES256): those it signs itself (private_key_jwt) or a workload-identity
	// issuer signs for it.
	PublicKey crypto.PublicKey
	// ReusableAssertions accepts an assertion again until it expires, as
	// servers do for workload-identity tokens (which a CI system hands out
	// once per job); otherwise a replayed jti is refused.
	ReusableAssertions bool
	// Federated are the CI issuers whose workload-identity tokens the
	// client takes as its client assertion (see FederatedCredential).
	Federated []FederatedCredential
	// CertificateSubject is the common name of the client certificate that
	// authenticates the client with tls_client_auth (TLS with ClientCAPEM).
	CertificateSubject string
}

// IamError is the error body Workiva's IAM API answers with.
type IamError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
	ErrorURI         string `json:"error_uri,omitempty"`
}

// maxBodyBytes is the payload limit Workiva documents (10 MB).
const maxBodyBytes = 10 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) handleToken(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Read the body first: the server notices a client that went away
		// (and ends r.Context()) only once the body has been consumed.
		raw, readErr := bufferBody(w, r)
		formErr := errors.Join(readErr, r.ParseForm())
		fault, scripted := s.nextFault()
		if !sleepCtx(r, s.currentLatency()) || (scripted && !sleepCtx(r, fault.Delay)) {
			s.record(r, r.PostForm, "", 0)
			return
		}
		if scripted && fault.Status != 0 {
			s.record(r, r.PostForm, "", fault.Status)
			writeFault(w, fault, r, raw)
			return
		}
		if !s.allow() {
			s.record(r, r.PostForm, "", http.StatusTooManyRequests)
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, IamError{Error: "rate_limited", ErrorDescription: fmt.Sprintf("at most %d token requests a second", s.opts.RateLimit)})
			return
		}
		var method string
		status, clientID, body := s.token(r, version, formErr, &method)
		s.recordAuth(r, r.PostForm, clientID, method, status)
		if s.opts.DPoP != nil && s.opts.DPoP.Nonces {
			w.Header().Set("DPoP-Nonce", s.dpopNonce(nonceToken))
		}
		if status == http.StatusUnauthorized && r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="workiva"`)
		}
		s.writeToken(w, status, body)
	}
}

// allow counts a token request against RateLimit.
func (s *Server) allow() bool {
	if s.opts.RateLimit <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := s.clock.Now().Truncate(time.Second); !now.Equal(s.window) {
		s.window, s.inWindow = now, 0
	}
	s.inWindow++
	return s.inWindow <= s.opts.RateLimit
}

// The response formats of Options.ResponseFormat.
const (
	FormatForm = "form"
	FormatText = "text"
)

// writeToken writes a token response or error in Options.ResponseFormat.
func (s *Server) writeToken(w http.ResponseWriter, status int, body any) {
	if s.opts.ResponseFormat != FormatForm && s.opts.ResponseFormat != FormatText {
		writeJSON(w, status, body)
		return
	}
	var fields map[string]json.RawMessage
	raw, _ := json.Marshal(body)
	_ = json.Unmarshal(raw, &fields)
	v := url.Values{}
	for k, f := range fields {
		var str string
		if json.Unmarshal(f, &str) != nil {
			str = string(f)
		}
		v.Set(k, str)
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	if s.opts.ResponseFormat == FormatText {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(v.Encode()))
}

// token processes a token request whose form has been parsed (formErr) and
// returns the status and body to answer with and the authenticated client,
// and sets method to how it authenticated.
func (s *Server) token(r *http.Request, version string, formErr error, method *string) (int, string, any) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "", IamError{Error: "invalid_request", ErrorDescription: "the token endpoint accepts POST only"}
	}
	// Version routing as the API gateway does it: the current path exists
	// only in 2026-01-01, the legacy path only in 2022-01-01 (the default
	// when no X-Version header is sent).
	// A server with Discovery stands for another vendor's, which has no
	// versions: a request without X-Version is for the path it was sent to.
	requested := r.Header.Get("X-Version")
	switch {
	case requested == "" && s.opts.Discovery != nil:
		requested = version
	case requested == "":
		requested = LegacyVersion
	}
	if requested != CurrentVersion && requested != LegacyVersion {
		return http.StatusBadRequest, "", IamError{Error: "invalid_request", ErrorDescription: fmt.Sprintf("unsupported X-Version %q; supported versions are %s and %s", requested, CurrentVersion, LegacyVersion)}
	}
	if requested != version {
		return http.StatusNotFound, "", IamError{Error: "not_found", ErrorDescription: fmt.Sprintf("no route %s %s in API version %s", r.Method, r.URL.Path, requested)}
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return http.StatusBadRequest, "", IamError{Error: "invalid_request", ErrorDescription: "the request body must be application/x-www-form-urlencoded"}
	}
	if formErr != nil {
		return http.StatusBadRequest, "", IamError{Error: "invalid_request", ErrorDescription: "malformed form body"}
	}
	form := r.PostForm
	bound, refused := s.tokenBinding(r)
	if refused != nil {
		return http.StatusBadRequest, "", *refused
	}

	// The federated grants may come without client authentication: the
	// server trusts the presented token itself (RFC 7523 2.1, RFC 8693).
	gt := form.Get("grant_type")
	var client Client
	if (gt != JWTBearerGrant && gt != TokenExchangeGrant) || sendsClientCredentials(r, form) {
		c, how, status, errBody := s.authenticateClient(r, form)
		if errBody != nil {
			return status, "", *errBody
		}
		client, *method = c, how
	}
	id := client.ID

	switch gt {
	case "client_credentials":
	case JWTBearerGrant, TokenExchangeGrant:
		return s.federatedGrant(r, form, client, bound)
	case "":
		return http.StatusBadRequest, id, IamError{Error: "invalid_request", ErrorDescription: "grant_type is required"}
	default:
		return http.StatusBadRequest, id, IamError{Error: "unsupported_grant_type", ErrorDescription: fmt.Sprintf("grant_type %q is not supported", gt)}
	}

	granted, errBody := s.narrow(client, form.Get("scope"))
	if errBody != nil {
		return http.StatusBadRequest, id, *errBody
	}
	return http.StatusOK, id, s.issue(client.ID, granted, bound)
}

// authenticate returns the client with id when secret is its secret and
// the client may send it by method.
func (s *Server) authenticate(id, secret, method string) (Client, bool) {
	c, ok := s.clientByID(id)
	allowed := len(c.SecretMethods) == 0 || slices.Contains(c.SecretMethods, method)
	return c, ok && allowed && c.Secret != "" && c.Secret == secret
}

// basicAuth reads a Basic header's client id and secret: form-decoded (RFC
// 6749 2.3.1: they are form-urlencoded before Basic encoding), or as they
// stand with Options.BasicAsWritten.
func (s *Server) basicAuth(r *http.Request) (id, secret string, ok bool) {
	id, secret, ok = r.BasicAuth()
	if !ok {
		return "", "", false
	}
	if s.opts.BasicAsWritten {
		return id, secret, true
	}
	if v, err := url.QueryUnescape(id); err == nil {
		id = v
	}
	if v, err := url.QueryUnescape(secret); err == nil {
		secret = v
	}
	return id, secret, true
}

// narrow computes the granted scopes: all of the grant's scopes when none
// were requested, otherwise the requested scopes that the grant holds.
func (s *Server) narrow(c Client, scope string) ([]string, *IamError) {
	requested := strings.Fields(scope)
	if len(requested) == 0 {
		return slices.Clone(c.Scopes), nil
	}
	var granted, unknown []string
	for _, sc := range requested {
		switch {
		case slices.Contains(c.Scopes, sc):
			if !slices.Contains(granted, sc) {
				granted = append(granted, sc)
			}
		case !s.knownScope(sc):
			unknown = append(unknown, sc)
		}
	}
	if len(unknown) > 0 {
		return nil, &IamError{Error: "invalid_scope", ErrorDescription: "unknown scope: " + strings.Join(unknown, " ")}
	}
	if len(granted) == 0 {
		return nil, &IamError{Error: "invalid_scope", ErrorDescription: "none of the requested scopes is granted to this client"}
	}
	return granted, nil
}

func (s *Server) knownScope(sc string) bool {
	if slices.Contains(KnownScopes, sc) {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clients {
		if slices.Contains(c.Scopes, sc) {
			return true
		}
	}
	return false
}

func (s *Server) lifetime() time.Duration {
	if s.opts.TokenLifetime > 0 {
		return s.opts.TokenLifetime
	}
	return DefaultTokenLifetime
}

// issue makes a token for the client and returns the token response body.
func (s *Server) issue(clientID string, scopes []string, bound binding) map[string]any {
	tok := "wk_" + randomString()
	life := s.lifetime()
	s.mu.Lock()
	s.tokens[tok] = issued{clientID: clientID, scopes: scopes, expires: s.clock.Now().Add(life), bound: bound}
	s.mu.Unlock()

	secs := int64(life / time.Second)
	body := map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   secs,
	}
	if bound.jkt != "" {
		body["token_type"] = "DPoP"
	}
	switch {
	case s.opts.ExpiresIn == "-":
		delete(body, "expires_in")
	case s.opts.ExpiresIn != "" && s.opts.ResponseFormat == "":
		body["expires_in"] = json.RawMessage(s.opts.ExpiresIn)
	case s.opts.ExpiresIn != "":
		body["expires_in"] = s.opts.ExpiresIn
	case s.opts.ExpiresInAsString:
		body["expires_in"] = strconv.FormatInt(secs, 10)
	}
	if !s.opts.OmitScope {
		body["scope"] = strings.Join(scopes, " ")
	}
	if s.opts.RefreshTokens {
		body["refresh_token"] = "rt_" + randomString()
	}
	return body
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
