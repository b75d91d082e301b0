package iamserver

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Request is what the server recorded of one request it received.
type Request struct {
	Time   time.Time
	Method string
	Path   string
	// Query is the URL's query (a key some endpoints take there).
	Query  url.Values
	Header http.Header
	// Form is the parsed form body of token requests.
	Form url.Values
	// ClientID is the authenticated client, empty when authentication failed.
	ClientID string
	// AuthMethod is how the client authenticated (MethodSecretBasic, ...).
	AuthMethod string
	// Status is the HTTP status the server answered with.
	Status int
}

// Issued is a token the server issued.
type Issued struct {
	AccessToken string
	ClientID    string
	Scopes      []string
	ExpiresAt   time.Time
}

type issued struct {
	clientID string
	scopes   []string
	expires  time.Time
	bound    binding
}

// bufferBody reads r's body, at most maxBodyBytes, and puts it back for
// ParseForm; it returns what it read and the read's error.
func bufferBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	r.Body = io.NopCloser(bytes.NewReader(raw))
	return raw, err
}

func (s *Server) record(r *http.Request, form url.Values, clientID string, status int) {
	s.recordAuth(r, form, clientID, "", status)
}

func (s *Server) recordAuth(r *http.Request, form url.Values, clientID, method string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Time:       s.clock.Now(),
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.Query(),
		Header:     r.Header.Clone(),
		Form:       form,
		ClientID:   clientID,
		AuthMethod: method,
		Status:     status,
	})
}

// Requests returns a copy of the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// requestsOn are the requests received so far whose path matches, oldest
// first.
func (s *Server) requestsOn(match func(path string) bool) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if match(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

// TokenRequests returns the requests received on the token paths and the
// bench route.
func (s *Server) TokenRequests() []Request {
	return s.requestsOn(func(p string) bool { return p == TokenPath || p == LegacyTokenPath || p == BenchTokenPath })
}

// IssuedTokens returns the tokens issued so far, in no particular order.
func (s *Server) IssuedTokens() []Issued {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issued, 0, len(s.tokens))
	for tok, is := range s.tokens {
		out = append(out, Issued{AccessToken: tok, ClientID: is.clientID, Scopes: slices.Clone(is.scopes), ExpiresAt: is.expires})
	}
	return out
}

// Reset forgets recorded requests and pending faults (issued tokens stay valid).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.faults = nil
}
