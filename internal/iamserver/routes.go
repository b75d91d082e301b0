package iamserver

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// handleProtected is an API route protected by access tokens (RFC 6750,
// and RFC 9449 and 8705 for bound tokens: authorize).
func (s *Server) handleProtected(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		s.record(r, nil, "", http.StatusMethodNotAllowed)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	is, ok := s.authorized(w, r)
	if !ok {
		return
	}
	if !slices.Contains(is.scopes, ProtectedScope) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="workiva", error="insufficient_scope", error_description=%q, scope=%q`,
			"the access token lacks scope "+ProtectedScope, ProtectedScope))
		s.record(r, nil, is.clientID, http.StatusForbidden)
		writeJSON(w, http.StatusForbidden, IamError{Error: "insufficient_scope", ErrorDescription: "the access token lacks scope " + ProtectedScope})
		return
	}
	s.record(r, nil, is.clientID, http.StatusOK)
	writeJSON(w, http.StatusOK, map[string]any{
		"client_id":  is.clientID,
		"scope":      strings.Join(is.scopes, " "),
		"expires_at": is.expires.UTC().Format(time.RFC3339),
		"files":      []string{},
	})
}

// authorized is authorize's answer written to w when the token is refused.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) (issued, bool) {
	if s.opts.DPoP != nil && s.opts.DPoP.Nonces {
		w.Header().Set("DPoP-Nonce", s.dpopNonce(nonceAPI))
	}
	is, status, challenge := s.authorize(r)
	if status == http.StatusOK {
		return is, true
	}
	w.Header().Set("WWW-Authenticate", challenge)
	s.record(r, nil, "", status)
	w.WriteHeader(status)
	return issued{}, false
}

// InvalidateTokens forgets every token issued so far, as a server that
// lost them (or revoked them all) does: the API routes refuse them as
// invalid_token before they expire.
func (s *Server) InvalidateTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// APIRequests returns the requests the echo API received.
func (s *Server) APIRequests() []Request {
	return s.requestsOn(func(p string) bool { return strings.HasPrefix(p, APIPath) })
}

// APIURL is the echo API's base URL.
func (s *Server) APIURL() string { return s.URL() + APIPath }

// APIPath is the prefix of the echo API: any method on any path below it,
// with any body, answered (for a valid token, as handleProtected takes it)
// with what arrived: the method, the path and query, the body's length
// and SHA-256, the token's client and type. APIPath + "redirect?to=<path>"
// answers 302 with Location: <the server's URL><path>.
const APIPath = "/platform/v1/echo/"

// APIEcho is the echo API's answer.
type APIEcho struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Query      string `json:"query"`
	BodyBytes  int64  `json:"body_bytes"`
	BodySHA256 string `json:"body_sha256"`
	ClientID   string `json:"client_id"`
	TokenType  string `json:"token_type"`
	// Header holds the request's headers other than Authorization and DPoP.
	Header http.Header `json:"header"`
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	if !sleepCtx(r, s.currentLatency()) {
		s.record(r, nil, "", 0)
		return
	}
	is, ok := s.authorized(w, r)
	if !ok {
		return
	}
	if r.URL.Path == APIPath+"redirect" {
		s.record(r, nil, is.clientID, http.StatusFound)
		to := r.URL.Query().Get("to")
		if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") {
			to = "/"
		}
		http.Redirect(w, r, s.URL()+to, http.StatusFound) //nolint:gosec // a path on the server itself
		return
	}
	h := sha256.New()
	n, err := io.Copy(h, r.Body)
	if err != nil {
		s.record(r, nil, is.clientID, http.StatusBadRequest)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	header := r.Header.Clone()
	header.Del("Authorization")
	header.Del("DPoP")
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	s.record(r, nil, is.clientID, http.StatusOK)
	writeJSON(w, http.StatusOK, APIEcho{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, BodyBytes: n,
		BodySHA256: hex.EncodeToString(h.Sum(nil)), ClientID: is.clientID, TokenType: scheme, Header: header})
}

// handleBenchToken answers GET with a fresh token for the client given by
// Basic credentials or client_id/client_secret query parameters. Scripted
// faults are for the token endpoint; this route only waits the latency.
func (s *Server) handleBenchToken(w http.ResponseWriter, r *http.Request) {
	if !sleepCtx(r, s.currentLatency()) {
		s.record(r, nil, "", 0)
		return
	}
	q := r.URL.Query()
	id, secret, ok := s.basicAuth(r)
	method := MethodSecretBasic
	if !ok {
		id, secret, method = q.Get("client_id"), q.Get("client_secret"), MethodSecretPost
	}
	client, ok := s.authenticate(id, secret, method)
	if !ok {
		s.record(r, q, "", http.StatusUnauthorized)
		writeJSON(w, http.StatusUnauthorized, IamError{Error: "invalid_client", ErrorDescription: "client authentication failed"})
		return
	}
	granted, errBody := s.narrow(client, q.Get("scope"))
	if errBody != nil {
		s.record(r, q, id, http.StatusBadRequest)
		writeJSON(w, http.StatusBadRequest, errBody)
		return
	}
	s.record(r, q, id, http.StatusOK)
	writeJSON(w, http.StatusOK, s.issue(id, granted, binding{}))
}
