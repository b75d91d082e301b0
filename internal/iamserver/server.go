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
// It also states issuer metadata and serves revocation, which Workiva's IAM
// does not have and real servers do, and fakes the CI systems' identity
// endpoints for the workload-identity tests.
package iamserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
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

// Options configures a Server.
type Options struct {
	Clients []Client
	// TokenLifetime is the lifetime of issued tokens; DefaultTokenLifetime
	// when zero.
	TokenLifetime time.Duration
	// ExpiresInAsString sends expires_in as a JSON string ("599"), the way
	// some endpoints do.
	ExpiresInAsString bool
	// BasicAsWritten takes the user name and password of a Basic header as
	// they stand, without form-decoding them (RFC 6749 2.3.1), as many
	// servers do and as Workiva documents it (Basic <client_id:client_secret>).
	BasicAsWritten bool
	// ExpiresIn, when set, is sent as expires_in exactly as given instead of
	// the token's lifetime (a JSON literal such as 0, "599" or 9223372037,
	// or a form value), the way an unusual server answers; "-" leaves
	// expires_in out. Tokens still live TokenLifetime.
	ExpiresIn string
	// ResponseFormat is how token responses and errors are encoded:
	// JSON by default, FormatForm as application/x-www-form-urlencoded
	// (GitHub's OAuth endpoints without Accept: application/json), or
	// FormatText as the same body labelled text/plain (some appliances).
	ResponseFormat string
	// RateLimit, when positive, is how many token requests a second the
	// server answers; the others get 429 with Retry-After: 1, as an API
	// gateway's per-second limit does.
	RateLimit int
	// OmitScope leaves scope out of token responses (RFC 6749 5.1 allows it
	// when the granted scope equals the requested one).
	OmitScope bool
	// RefreshTokens makes token responses carry a refresh_token (as
	// Blynk.Cloud's organization API does; Workiva's does not), which a
	// client-credentials client must not use (RFC 6749 4.4.3).
	RefreshTokens bool
	// TrustedIssuers are the trust relationships of the jwt-bearer and
	// token-exchange grants.
	TrustedIssuers []TrustRelationship
	// CI, when set, serves fakes of CI systems' workload-identity token
	// endpoints on the server (see CIFakes).
	CI *CIFakes
	// Latency is added before every token response.
	Latency time.Duration
	// Clock is the server's clock (token expiry); the system clock when nil.
	Clock clock.Clock
	// TLS serves https with a certificate for 127.0.0.1 and ::1 (see
	// CertPEM).
	TLS bool
	// ClientCAPEM, with TLS, accepts client certificates signed by these CAs;
	// a certificate's subject common name maps it to a Client
	// (CertificateSubject). RequireClientCertificate refuses handshakes
	// without one, as an endpoint behind mutual TLS does.
	ClientCAPEM              string
	RequireClientCertificate bool
	// Discovery, when set, serves issuer metadata and the revocation
	// endpoint (discovery.go).
	Discovery *Discovery
	// DPoP, when set, makes the server a DPoP server (binding.go).
	DPoP *DPoP
	// BindCertificates binds the tokens issued over a connection with a
	// client certificate to that certificate (RFC 8705 3), which the API
	// routes then require.
	BindCertificates bool
}

// Server is a running local IAM server.
type Server struct {
	opts    Options
	clock   clock.Clock
	ts      *httptest.Server
	certPEM string

	mu       sync.Mutex
	clients  map[string]Client
	tokens   map[string]issued
	faults   []Fault
	requests []Request
	latency  time.Duration
	jtis     map[string]time.Time // client assertion IDs seen, until they expire
	window   time.Time            // the second RateLimit counts in
	inWindow int
	ciFaults []Fault
	ciIssued []string
	revoked  []string
	nonces   map[string]string // DPoP nonces, by where they are asked
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
		opts:    opts,
		clock:   clock.OrSystem(opts.Clock),
		clients: map[string]Client{},
		tokens:  map[string]issued{},
		latency: opts.Latency,
		jtis:    map[string]time.Time{},
	}
	for _, c := range opts.Clients {
		s.clients[c.ID] = c
	}
	mux := http.NewServeMux()
	mux.HandleFunc(TokenPath, s.handleToken(CurrentVersion))
	mux.HandleFunc(LegacyTokenPath, s.handleToken(LegacyVersion))
	mux.HandleFunc(ProtectedPath, s.handleProtected)
	mux.HandleFunc(APIPath, s.handleAPI)
	mux.HandleFunc(BenchTokenPath, s.handleBenchToken)
	if opts.Discovery != nil {
		s.routeDiscovery(mux)
	}
	if opts.CI != nil {
		s.routeCI(mux)
	}

	s.ts = httptest.NewUnstartedServer(mux)
	_ = s.ts.Listener.Close()
	s.ts.Listener = ln
	s.ts.Config.ReadHeaderTimeout = 10 * time.Second
	if opts.TLS {
		if opts.ClientCAPEM != "" {
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM([]byte(opts.ClientCAPEM)) {
				_ = ln.Close()
				return nil, fmt.Errorf("ClientCAPEM holds no certificate")
			}
			s.ts.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven, MinVersion: tls.VersionTLS12}
			if opts.RequireClientCertificate {
				s.ts.TLS.ClientAuth = tls.RequireAndVerifyClientCert
			}
		}
		s.ts.StartTLS()
		s.certPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw}))
	} else {
		s.ts.Start()
	}
	return s, nil
}

// CertPEM is the PEM certificate of a TLS server; empty without TLS.
func (s *Server) CertPEM() string { return s.certPEM }

// URL is the server's base URL, e.g. http://127.0.0.1:40123.
func (s *Server) URL() string { return s.ts.URL }

// TokenURL is the current (2026-01-01) token endpoint.
func (s *Server) TokenURL() string { return s.URL() + TokenPath }

// LegacyTokenURL is the legacy (2022-01-01) token endpoint.
func (s *Server) LegacyTokenURL() string { return s.URL() + LegacyTokenPath }

// ProtectedURL is the protected API route.
func (s *Server) ProtectedURL() string { return s.URL() + ProtectedPath }

// Close stops the server, ending requests still in progress.
func (s *Server) Close() error {
	s.ts.CloseClientConnections()
	s.ts.Close()
	return nil
}
