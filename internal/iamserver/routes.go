package iamserver

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// handleProtected is an API route protected by bearer tokens (RFC 6750).
func (s *Server) handleProtected(w http.ResponseWriter, r *http.Request) {
	challenge := func(status int, code, desc string) {
		v := `Bearer realm="workiva"`
		if code != "" {
			v += fmt.Sprintf(`, error=%q, error_description=%q`, code, desc)
		}
		if code == "insufficient_scope" {
			v += fmt.Sprintf(`, scope=%q`, ProtectedScope)
		}
		w.Header().Set("WWW-Authenticate", v)
		s.record(r, nil, "", status)
		if code == "" {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, IamError{Error: code, ErrorDescription: desc})
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		s.record(r, nil, "", http.StatusMethodNotAllowed)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	auth := r.Header.Get("Authorization")
	scheme, tok, found := strings.Cut(auth, " ")
	if auth == "" || !found || !strings.EqualFold(scheme, "Bearer") {
		challenge(http.StatusUnauthorized, "", "")
		return
	}
	s.mu.Lock()
	is, ok := s.tokens[strings.TrimSpace(tok)]
	s.mu.Unlock()
	switch {
	case !ok:
		challenge(http.StatusUnauthorized, "invalid_token", "the access token is not recognised")
		return
	case !s.clock.Now().Before(is.expires):
		challenge(http.StatusUnauthorized, "invalid_token", "the access token expired")
		return
	case !slices.Contains(is.scopes, ProtectedScope):
		challenge(http.StatusForbidden, "insufficient_scope", "the access token lacks scope "+ProtectedScope)
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
	writeJSON(w, http.StatusOK, s.issue(id, granted))
}
