// Package iamserver is a local stand-in for Workiva's IAM token endpoint.
//
// It serves the OAuth2 client-credentials token endpoint the way Workiva's
// public API reference describes it (current path /oauth2/token with
// X-Version 2026-01-01, legacy path /iam/v1/oauth2/token without it), issues
// opaque bearer tokens that expire, narrows requested scopes to the client's
// grant, and answers errors with IamError bodies. It also serves one protected
// API route that accepts those bearer tokens, so that callers can prove a token
// works downstream.
//
// Tests script faults (status sequences, Retry-After, delays) and read back
// the requests the server received. The server listens on loopback only.
package iamserver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Paths and versions the server answers.
const (
	TokenPath       = "/oauth2/token"        //nolint:gosec // a URL path, not a credential
	LegacyTokenPath = "/iam/v1/oauth2/token" //nolint:gosec // a URL path, not a credential
	// ProtectedPath is the protected API route. It answers GET with a small
	// JSON document describing the caller when the bearer token is valid,
	// unexpired and carries ProtectedScope.
	ProtectedPath = "/platform/v1/files"
	// BenchTokenPath answers GET with the same token JSON as the token
	// endpoint, for clients that can only send GET requests (benchmarks).
	BenchTokenPath = "/bench/token"

	CurrentVersion = "2026-01-01"
	LegacyVersion  = "2022-01-01"

	// ProtectedScope is the scope ProtectedPath requires.
	ProtectedScope = "file:read"

	// DefaultTokenLifetime matches the expires_in Workiva's documentation shows.
	DefaultTokenLifetime = 599 * time.Second
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
	// Scopes is the grant's scope list. A request without scope receives all
	// of them; a request with scope receives the intersection.
	Scopes []string
}

// Fault is one scripted answer to a token request. Faults are consumed in
// order, one per request to a token path (not the bench route), before
// normal processing.
type Fault struct {
	// Delay is waited before answering (or before passing through when Status
	// is zero). The wait ends early when the client goes away.
	Delay time.Duration
	// Status is the HTTP status to answer with. Zero means "after Delay, handle
	// the request normally".
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// ContentType and Body are sent as is. When Body is empty and Status is
	// set, an IamError body with error "temporarily_unavailable" (or
	// "server_error" for 500) is sent.
	ContentType string
	Body        string
	// Header holds extra response headers (Location for redirects, say).
	Header http.Header
}

// Request is what the server recorded of one request it received.
type Request struct {
	Time   time.Time
	Method string
	Path   string
	Header http.Header
	// Form is the parsed form body of token requests.
	Form url.Values
	// ClientID is the authenticated client, empty when authentication failed.
	ClientID string
	// Status is the HTTP status the server answered with.
	Status int
}

// Options configures a Server.
type Options struct {
	Clients []Client
	// TokenLifetime is the lifetime of issued tokens; DefaultTokenLifetime
	// when zero.
	TokenLifetime time.Duration
	// ExpiresInAsString sends expires_in as a JSON string ("599"), the way
	// some endpoints do.
	ExpiresInAsString bool
	// OmitScope leaves scope out of token responses (RFC 6749 5.1 allows it
	// when the granted scope equals the requested one).
	OmitScope bool
	// RefreshTokens makes token responses carry a refresh_token, and the
	// token endpoint accept grant_type=refresh_token (as Blynk.Cloud's
	// organization API does; Workiva's does not).
	RefreshTokens bool
	// Latency is added before every token response.
	Latency time.Duration
	// Now is the server's clock; time.Now when nil.
	Now func() time.Time
	// TLS serves https with a self-signed certificate for 127.0.0.1, ::1
	// and localhost (see CertPEM).
	TLS bool
}

type issued struct {
	clientID string
	scopes   []string
	expires  time.Time
}

// Server is a running local IAM server.
type Server struct {
	opts     Options
	listener net.Listener
	http     *http.Server
	url      string
	certPEM  string

	mu       sync.Mutex
	clients  map[string]Client
	tokens   map[string]issued
	refresh  map[string]issued
	faults   []Fault
	requests []Request
	latency  time.Duration
}

// Start starts a server listening on addr, which must be a loopback address
// ("127.0.0.1:0" picks a free port).
func Start(addr string, opts Options) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("listen address %q: the local IAM server only listens on loopback addresses", addr)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		listener: ln,
		url:      "http://" + ln.Addr().String(),
		clients:  map[string]Client{},
		tokens:   map[string]issued{},
		refresh:  map[string]issued{},
		latency:  opts.Latency,
	}
	for _, c := range opts.Clients {
		s.clients[c.ID] = c
	}
	mux := http.NewServeMux()
	mux.HandleFunc(TokenPath, s.handleToken(CurrentVersion))
	mux.HandleFunc(LegacyTokenPath, s.handleToken(LegacyVersion))
	mux.HandleFunc(ProtectedPath, s.handleProtected)
	mux.HandleFunc(BenchTokenPath, s.handleBenchToken)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if opts.TLS {
		cert, certPEM, err := selfSignedCert()
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		s.certPEM = certPEM
		s.url = "https://" + ln.Addr().String()
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// CertPEM is the PEM certificate of a TLS server; empty without TLS.
func (s *Server) CertPEM() string { return s.certPEM }

func selfSignedCert() (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "local IAM server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	return cert, string(certPEM), err
}

// URL is the server's base URL, e.g. http://127.0.0.1:40123.
func (s *Server) URL() string { return s.url }

// TokenURL is the current (2026-01-01) token endpoint.
func (s *Server) TokenURL() string { return s.url + TokenPath }

// LegacyTokenURL is the legacy (2022-01-01) token endpoint.
func (s *Server) LegacyTokenURL() string { return s.url + LegacyTokenPath }

// ProtectedURL is the protected API route.
func (s *Server) ProtectedURL() string { return s.url + ProtectedPath }

// Close stops the server and closes open connections.
func (s *Server) Close() error { return s.http.Close() }

// Script appends faults to the queue of scripted answers.
func (s *Server) Script(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// SetLatency changes the delay added before every token response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// AddClient adds or replaces an API grant.
func (s *Server) AddClient(c Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ID] = c
}

// Requests returns a copy of the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// TokenRequests returns the requests received on either token path.
func (s *Server) TokenRequests() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == TokenPath || r.Path == LegacyTokenPath || r.Path == BenchTokenPath {
			out = append(out, r)
		}
	}
	return out
}

// Issued is a token the server issued.
type Issued struct {
	AccessToken string
	ClientID    string
	Scopes      []string
	ExpiresAt   time.Time
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

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) record(r *http.Request, form url.Values, clientID string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Time:     s.now(),
		Method:   r.Method,
		Path:     r.URL.Path,
		Header:   r.Header.Clone(),
		Form:     form,
		ClientID: clientID,
		Status:   status,
	})
}

func (s *Server) nextFault() (Fault, bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false, s.latency
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true, s.latency
}

// IamError is the error body Workiva's IAM API answers with.
type IamError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
	ErrorURI         string `json:"error_uri,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func sleepCtx(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) handleToken(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Read the body first: the server notices a client that went away
		// (and ends r.Context()) only once the body has been consumed.
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		formErr := r.ParseForm()
		fault, scripted, latency := s.nextFault()
		if !sleepCtx(r, latency) || (scripted && !sleepCtx(r, fault.Delay)) {
			s.record(r, r.PostForm, "", 0)
			return
		}
		if scripted && fault.Status != 0 {
			s.record(r, r.PostForm, "", fault.Status)
			writeFault(w, fault)
			return
		}
		status, clientID, body := s.token(r, version, formErr)
		s.record(r, r.PostForm, clientID, status)
		if status == http.StatusUnauthorized && r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="workiva"`)
		}
		writeJSON(w, status, body)
	}
}

func writeFault(w http.ResponseWriter, f Fault) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body == "" {
		code := "temporarily_unavailable"
		if f.Status == http.StatusInternalServerError {
			code = "server_error"
		}
		writeJSON(w, f.Status, IamError{Error: code, ErrorDescription: fmt.Sprintf("scripted fault: HTTP %d", f.Status)})
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// maxBodyBytes is the payload limit Workiva documents (10 MB).
const maxBodyBytes = 10 << 20

// token processes a token request whose form has been parsed (formErr) and
// returns the status and body to answer with and the authenticated client.
func (s *Server) token(r *http.Request, version string, formErr error) (int, string, any) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "", IamError{Error: "invalid_request", ErrorDescription: "the token endpoint accepts POST only"}
	}
	// Version routing as the API gateway does it: the current path exists
	// only in 2026-01-01, the legacy path only in 2022-01-01 (the default
	// when no X-Version header is sent).
	requested := r.Header.Get("X-Version")
	if requested == "" {
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

	// Client authentication (RFC 6749 2.3): Basic header or body, never both.
	headerID, headerSecret, hasBasic := basicAuth(r)
	bodyID, bodySecret := form.Get("client_id"), form.Get("client_secret")
	if hasBasic && (bodyID != "" || bodySecret != "") {
		return http.StatusBadRequest, "", IamError{Error: "invalid_request", ErrorDescription: "client credentials were sent both in the Authorization header and in the request body; use one method"}
	}
	id, secret := bodyID, bodySecret
	if hasBasic {
		id, secret = headerID, headerSecret
	}
	if id == "" {
		return http.StatusUnauthorized, "", IamError{Error: "invalid_client", ErrorDescription: "client authentication is required"}
	}
	client, ok := s.authenticate(id, secret)
	if !ok {
		return http.StatusUnauthorized, "", IamError{Error: "invalid_client", ErrorDescription: "client authentication failed"}
	}

	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "refresh_token":
		if !s.opts.RefreshTokens {
			return http.StatusBadRequest, id, IamError{Error: "unsupported_grant_type", ErrorDescription: "grant_type \"refresh_token\" is not supported; must be client_credentials"}
		}
		s.mu.Lock()
		prev, ok := s.refresh[form.Get("refresh_token")]
		delete(s.refresh, form.Get("refresh_token")) // refresh tokens rotate
		s.mu.Unlock()
		if !ok || prev.clientID != id {
			return http.StatusBadRequest, id, IamError{Error: "invalid_grant", ErrorDescription: "the refresh token is invalid, expired or revoked"}
		}
		return http.StatusOK, id, s.issue(id, prev.scopes)
	case "":
		return http.StatusBadRequest, id, IamError{Error: "invalid_request", ErrorDescription: "grant_type is required"}
	default:
		return http.StatusBadRequest, id, IamError{Error: "unsupported_grant_type", ErrorDescription: fmt.Sprintf("grant_type %q is not supported; must be client_credentials", gt)}
	}

	granted, errBody := s.narrow(client, form.Get("scope"))
	if errBody != nil {
		return http.StatusBadRequest, id, *errBody
	}
	return http.StatusOK, id, s.issue(client.ID, granted)
}

// authenticate returns the client with id when secret is its secret.
func (s *Server) authenticate(id, secret string) (Client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	return c, ok && c.Secret == secret
}

func basicAuth(r *http.Request) (id, secret string, ok bool) {
	id, secret, ok = r.BasicAuth()
	if !ok {
		return "", "", false
	}
	// RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
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

func (s *Server) issue(clientID string, scopes []string) map[string]any {
	tok := "wk_" + randomString()
	life := s.lifetime()
	s.mu.Lock()
	s.tokens[tok] = issued{clientID: clientID, scopes: scopes, expires: s.now().Add(life)}
	s.mu.Unlock()

	secs := int64(life / time.Second)
	body := map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   secs,
	}
	if s.opts.ExpiresInAsString {
		body["expires_in"] = strconv.FormatInt(secs, 10)
	}
	if !s.opts.OmitScope {
		body["scope"] = strings.Join(scopes, " ")
	}
	if s.opts.RefreshTokens {
		rt := "rt_" + randomString()
		s.mu.Lock()
		s.refresh[rt] = issued{clientID: clientID, scopes: scopes}
		s.mu.Unlock()
		body["refresh_token"] = rt
	}
	return body
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// RevokeRefreshTokens invalidates every refresh token issued so far.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh = map[string]issued{}
}

// handleBenchToken answers GET with a fresh token for the client given by
// Basic credentials or client_id/client_secret query parameters.
func (s *Server) handleBenchToken(w http.ResponseWriter, r *http.Request) {
	// Scripted faults are for the token endpoint; this route only waits the
	// latency.
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if !sleepCtx(r, latency) {
		s.record(r, nil, "", 0)
		return
	}
	q := r.URL.Query()
	id, secret, ok := basicAuth(r)
	if !ok {
		id, secret = q.Get("client_id"), q.Get("client_secret")
	}
	client, ok := s.authenticate(id, secret)
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
	case !s.now().Before(is.expires):
		challenge(http.StatusUnauthorized, "invalid_token", "the access token expired")
		return
	case !slices.Contains(is.scopes, ProtectedScope):
		challenge(http.StatusForbidden, "insufficient_scope", "the access token lacks scope "+ProtectedScope)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Time: s.now(), Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), ClientID: is.clientID, Status: http.StatusOK})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"client_id":  is.clientID,
		"scope":      strings.Join(is.scopes, " "),
		"expires_at": is.expires.UTC().Format(time.RFC3339),
		"files":      []string{},
	})
}
