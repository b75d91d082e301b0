package tokenclient_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

const (
	testID     = "integration-client"
	testSecret = "s3cr3t-value-never-logged"
)

func startServer(t *testing.T, opts iamserver.Options) *iamserver.Server {
	t.Helper()
	if opts.Clients == nil {
		opts.Clients = []iamserver.Client{{ID: testID, Secret: testSecret, Scopes: []string{"file:read", "graph:read"}}}
	}
	srv, err := iamserver.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func newClient(t *testing.T, cfg tokenclient.Config) *tokenclient.Client {
	t.Helper()
	if cfg.ClientID == "" {
		cfg.ClientID = testID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = testSecret
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = 5 * time.Millisecond
		cfg.RetryWaitMax = 20 * time.Millisecond
	}
	c, err := tokenclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// attempts counts the HTTP requests a client sends, retries included.
type attempts struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (a *attempts) RoundTrip(r *http.Request) (*http.Response, error) {
	a.n.Add(1)
	return a.base.RoundTrip(r)
}

func (a *attempts) count() int64 { return a.n.Load() }

// countAttempts makes cfg's client send its requests through a counter (and
// a transport that trusts only the system's CAs).
func countAttempts(cfg *tokenclient.Config) *attempts {
	a := &attempts{base: http.DefaultTransport.(*http.Transport).Clone()}
	cfg.Transport = a
	return a
}

func TestTokenSuccess(t *testing.T) {
	cases := []struct {
		name       string
		server     iamserver.Options
		legacy     bool
		cfg        tokenclient.Config
		scopes     []string
		wantScope  string
		wantGrant  []string
		returned   bool
		basic      bool
		bodyCreds  bool
		wantHeader string
	}{
		{
			name: "header auth, current path", cfg: tokenclient.Config{AuthStyle: tokenclient.AuthStyleHeader, APIVersion: "2026-01-01"},
			scopes: []string{"file:read"}, wantScope: "file:read", wantGrant: []string{"file:read"}, returned: true, basic: true, wantHeader: "2026-01-01",
		},
		{
			name: "body auth", cfg: tokenclient.Config{AuthStyle: tokenclient.AuthStyleBody, APIVersion: "2026-01-01"},
			scopes: []string{"graph:read"}, wantScope: "graph:read", wantGrant: []string{"graph:read"}, returned: true, bodyCreds: true, wantHeader: "2026-01-01",
		},
		{
			name: "auto auth uses the header first", cfg: tokenclient.Config{AuthStyle: tokenclient.AuthStyleAuto, APIVersion: "2026-01-01"},
			wantScope: "file:read graph:read", wantGrant: []string{"file:read", "graph:read"}, returned: true, basic: true, wantHeader: "2026-01-01",
		},
		{
			name: "no scopes requested: the grant's scopes", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			wantScope: "file:read graph:read", wantGrant: []string{"file:read", "graph:read"}, returned: true, basic: true, wantHeader: "2026-01-01",
		},
		{
			name: "narrowed to the grant", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			scopes: []string{"file:read", "file:write"}, wantScope: "file:read", wantGrant: []string{"file:read"}, returned: true, basic: true, wantHeader: "2026-01-01",
		},
		{
			name: "legacy path without X-Version", legacy: true, cfg: tokenclient.Config{APIVersion: ""},
			scopes: []string{"file:read"}, wantScope: "file:read", wantGrant: []string{"file:read"}, returned: true, basic: true,
		},
		{
			name: "expires_in as a string", server: iamserver.Options{ExpiresInAsString: true}, cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			scopes: []string{"file:read"}, wantScope: "file:read", wantGrant: []string{"file:read"}, returned: true, basic: true, wantHeader: "2026-01-01",
		},
		{
			name: "no scope in response: the requested scope", server: iamserver.Options{OmitScope: true}, cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			scopes: []string{"graph:read", "file:read"}, wantScope: "file:read graph:read", wantGrant: []string{"file:read", "graph:read"}, basic: true, wantHeader: "2026-01-01",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, tc.server)
			tc.cfg.TokenURL = srv.TokenURL()
			if tc.legacy {
				tc.cfg.TokenURL = srv.LegacyTokenURL()
			}
			c := newClient(t, tc.cfg)
			before := time.Now()
			tok, err := c.Token(context.Background(), tc.scopes)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if tok.AccessToken == "" || !tok.TokenType.Is("Bearer") {
				t.Errorf("token %q type %s", tok.AccessToken, shown(tok.TokenType))
			}
			if !tok.Scope.Is(tc.wantScope) {
				t.Errorf("Scope = %s, want %q", shown(tok.Scope), tc.wantScope)
			}
			got := slices.Sorted(slices.Values(data(tok.GrantedScopes)))
			if !slices.Equal(got, tc.wantGrant) {
				t.Errorf("GrantedScopes = %v, want %v", got, tc.wantGrant)
			}
			if tok.ScopeReturned != tc.returned {
				t.Errorf("ScopeReturned = %v, want %v", tok.ScopeReturned, tc.returned)
			}
			if !tok.HasExpiresIn() || tok.ExpiresIn != 599 {
				t.Errorf("ExpiresIn = %d (%v), want 599", tok.ExpiresIn, tok.HasExpiresIn())
			}
			if d := tok.ExpiresAt.Sub(before); d < 598*time.Second || d > 600*time.Second {
				t.Errorf("ExpiresAt is %s after the request, want about 599s", d)
			}
			reqs := srv.TokenRequests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d token requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Status != http.StatusOK {
				t.Errorf("status %d", r.Status)
			}
			if has := strings.HasPrefix(r.Header.Get("Authorization"), "Basic "); has != tc.basic {
				t.Errorf("Basic header sent = %v, want %v", has, tc.basic)
			}
			if has := r.Form.Get("client_secret") != ""; has != tc.bodyCreds {
				t.Errorf("client_secret in body = %v, want %v", has, tc.bodyCreds)
			}
			if got := r.Header.Get("X-Version"); got != tc.wantHeader {
				t.Errorf("X-Version = %q, want %q", got, tc.wantHeader)
			}
			if got := r.Form.Get("grant_type"); got != "client_credentials" {
				t.Errorf("grant_type = %q", got)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	cases := []struct {
		name      string
		cfg       tokenclient.Config
		legacy    bool
		faults    []iamserver.Fault
		scopes    []string
		kind      tokenclient.ErrorKind
		status    int
		code      string
		requests  int
		inSummary string
	}{
		{name: "wrong secret", cfg: tokenclient.Config{ClientSecret: "wrong-secret", APIVersion: "2026-01-01"},
			kind: tokenclient.KindServer, status: 401, code: "invalid_client", requests: 1, inSummary: "client authentication failed"},
		{name: "wrong secret with auto costs two requests", cfg: tokenclient.Config{ClientSecret: "wrong-secret", APIVersion: "2026-01-01", AuthStyle: tokenclient.AuthStyleAuto},
			kind: tokenclient.KindServer, status: 401, code: "invalid_client", requests: 2},
		{name: "unknown client", cfg: tokenclient.Config{ClientID: "nobody", APIVersion: "2026-01-01"},
			kind: tokenclient.KindServer, status: 401, code: "invalid_client", requests: 1},
		{name: "unknown scope", cfg: tokenclient.Config{APIVersion: "2026-01-01"}, scopes: []string{"spaceship:fly"},
			kind: tokenclient.KindServer, status: 400, code: "invalid_scope", requests: 1, inSummary: "spaceship:fly"},
		{name: "no requested scope granted", cfg: tokenclient.Config{APIVersion: "2026-01-01"}, scopes: []string{"task:write"},
			kind: tokenclient.KindServer, status: 400, code: "invalid_scope", requests: 1},
		{name: "current path without X-Version", cfg: tokenclient.Config{APIVersion: ""},
			kind: tokenclient.KindServer, status: 404, code: "not_found", requests: 1},
		{name: "legacy path with X-Version 2026-01-01", legacy: true, cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			kind: tokenclient.KindServer, status: 404, code: "not_found", requests: 1},
		{name: "503 beyond max_retries", cfg: tokenclient.Config{APIVersion: "2026-01-01", MaxRetries: 2},
			faults: []iamserver.Fault{{Status: 503}, {Status: 503}, {Status: 503}, {Status: 503}},
			kind:   tokenclient.KindServer, status: 503, code: "temporarily_unavailable", requests: 3},
		{name: "HTML 502 page", cfg: tokenclient.Config{APIVersion: "2026-01-01", MaxRetries: -1},
			faults: []iamserver.Fault{{Status: 502, ContentType: "text/html", Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}},
			kind:   tokenclient.KindServer, status: 502, requests: 1, inSummary: "content type: text/html; body: <html><body><h1>502 Bad Gateway"},
		{name: "400 is not retried", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			faults: []iamserver.Fault{{Status: 400, Body: `{"error":"invalid_request","error_description":"bad form"}`}},
			kind:   tokenclient.KindServer, status: 400, code: "invalid_request", requests: 1, inSummary: "bad form"},
		{name: "redirect is not followed", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			faults: []iamserver.Fault{{Status: 302, Body: " ", ContentType: "text/plain", Header: http.Header{"Location": {"https://elsewhere.example/token"}}}},
			kind:   tokenclient.KindServer, status: 302, requests: 1, inSummary: "redirect to: https://elsewhere.example/token"},
		{name: "200 without access_token", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			faults: []iamserver.Fault{{Status: 200, Body: `{"token_type":"Bearer","expires_in":599}`}},
			kind:   tokenclient.KindResponse, status: 200, requests: 1, inSummary: "missing access_token"},
		{name: "200 with unparsable expires_in", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			faults: []iamserver.Fault{{Status: 200, Body: `{"access_token":"tok-abc","token_type":"Bearer","expires_in":"abc"}`}},
			kind:   tokenclient.KindResponse, status: 200, requests: 1, inSummary: "cannot parse json"},
		{name: "200 with fractional expires_in", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			faults: []iamserver.Fault{{Status: 200, Body: `{"access_token":"tok-frac","token_type":"Bearer","expires_in":599.5}`}},
			kind:   tokenclient.KindResponse, status: 200, requests: 1},
		{name: "200 with negative expires_in", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			faults: []iamserver.Fault{{Status: 200, Body: `{"access_token":"tok-neg","token_type":"Bearer","expires_in":-30}`}},
			kind:   tokenclient.KindResponse, status: 200, requests: 1, inSummary: "expires_in -30"},
		{name: "200 with an HTML page", cfg: tokenclient.Config{APIVersion: "2026-01-01"},
			faults: []iamserver.Fault{{Status: 200, ContentType: "text/html; charset=utf-8", Body: "<!DOCTYPE html><html><title>Sign in</title></html>"}},
			kind:   tokenclient.KindResponse, status: 200, requests: 1, inSummary: "content type: text/html; charset=utf-8; body: <!DOCTYPE html><html><title>Sign in"},
		{name: "timeout", cfg: tokenclient.Config{APIVersion: "2026-01-01", Timeout: 100 * time.Millisecond, MaxRetries: -1},
			faults: []iamserver.Fault{{Delay: 2 * time.Second}},
			kind:   tokenclient.KindTimeout, requests: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, iamserver.Options{})
			srv.Script(tc.faults...)
			tc.cfg.TokenURL = srv.TokenURL()
			if tc.legacy {
				tc.cfg.TokenURL = srv.LegacyTokenURL()
			}
			c := newClient(t, tc.cfg)
			tok, err := c.Token(context.Background(), tc.scopes)
			if err == nil {
				t.Fatalf("Token succeeded with %+v", tok)
			}
			var te *tokenclient.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %T %v is not a *tokenclient.Error", err, err)
			}
			if te.Kind != tc.kind || te.StatusCode != tc.status || !te.Code.Is(tc.code) {
				t.Errorf("got kind %q status %d code %s, want %q %d %q (%v)", te.Kind, te.StatusCode, shown(te.Code), tc.kind, tc.status, tc.code, err)
			}
			if !strings.Contains(describe(te), tc.inSummary) {
				t.Errorf("summary %q lacks %q", describe(te), tc.inSummary)
			}
			for _, s := range []string{testSecret, "wrong-secret", "tok-abc", "tok-frac", "tok-neg"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error text contains the secret: %v", err)
				}
			}
			if got := waitRequests(srv, tc.requests); got != tc.requests {
				t.Errorf("server saw %d token requests, want %d", got, tc.requests)
			}
		})
	}
}

// waitRequests waits up to a second for the server to have recorded want
// token requests (a handler whose client gave up records itself late) and
// returns how many it recorded.
func waitRequests(srv *iamserver.Server, want int) int {
	deadline := time.Now().Add(time.Second)
	for {
		got := len(srv.TokenRequests())
		if got >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRetriesThenSuccess(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Status: 429}, iamserver.Fault{Status: 500}, iamserver.Fault{Status: 502}, iamserver.Fault{Status: 504})
	cfg := tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", MaxRetries: 4}
	attempts := countAttempts(&cfg)
	c := newClient(t, cfg)
	if _, err := c.Token(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.TokenRequests()); got != 5 {
		t.Errorf("server saw %d requests, want 5", got)
	}
	if got := attempts.count(); got != 5 {
		t.Errorf("client counted %d requests, want 5", got)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Status: 429, RetryAfter: "1"})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", MaxRetries: 1})
	start := time.Now()
	if _, err := c.Token(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.TokenRequests()
	if len(reqs) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(reqs))
	}
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 950*time.Millisecond {
		t.Errorf("retry came %s after the 429 with Retry-After: 1", gap)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %s", elapsed)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cfg := tokenclient.Config{TokenURL: "http://" + addr + "/oauth2/token", MaxRetries: 1}
	attempts := countAttempts(&cfg)
	c := newClient(t, cfg)
	_, err = c.Token(context.Background(), nil)
	var te *tokenclient.Error
	if !errors.As(err, &te) || te.Kind != tokenclient.KindConnection {
		t.Fatalf("got %v, want a connection error", err)
	}
	if !strings.Contains(describe(te), "refused") {
		t.Errorf("summary %q does not say the connection was refused", describe(te))
	}
	if attempts.count() != 2 {
		t.Errorf("%d attempts, want 2 (one retry)", attempts.count())
	}
}

// expectPromptCancel cancels a token request after 200 ms and expects it to
// end as cancelled well before the server would have answered.
func expectPromptCancel(t *testing.T, c *tokenclient.Client) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Token(ctx, nil)
	var te *tokenclient.Error
	if !errors.As(err, &te) || te.Kind != tokenclient.KindCanceled {
		t.Fatalf("got %v, want a cancellation", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("cancellation took %s", elapsed)
	}
}

func TestCancelStopsAtOnce(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Delay: 10 * time.Second})
	expectPromptCancel(t, newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01"}))
}

func TestNewRejectsBadConfig(t *testing.T) {
	cases := map[string]tokenclient.Config{
		"no secret":      {TokenURL: "https://api.app.wdesk.com/oauth2/token", ClientID: "a"},
		"no id":          {TokenURL: "https://api.app.wdesk.com/oauth2/token", ClientSecret: "b"},
		"bad auth style": {TokenURL: "https://api.app.wdesk.com/oauth2/token", ClientID: "a", ClientSecret: "b", AuthStyle: "query"},
		"plain http":     {TokenURL: "http://api.app.wdesk.com/oauth2/token", ClientID: "a", ClientSecret: "b"},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := tokenclient.New(cfg); err == nil {
				t.Error("New accepted the configuration")
			}
		})
	}
}

func TestPrivateCA(t *testing.T) {
	srv := startServer(t, iamserver.Options{TLS: true})
	if !strings.HasPrefix(srv.TokenURL(), "https://127.0.0.1:") {
		t.Fatalf("TLS server URL %s", srv.TokenURL())
	}
	cfg := tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01"}
	attempts := countAttempts(&cfg)
	untrusting := newClient(t, cfg)
	_, err := untrusting.Token(context.Background(), nil)
	var te *tokenclient.Error
	if !errors.As(err, &te) || te.Kind != tokenclient.KindConnection || !te.UntrustedCertificate {
		t.Fatalf("untrusted certificate: got %v (untrusted certificate: %v)", err, te.UntrustedCertificate)
	}
	if attempts.count() != 1 {
		t.Errorf("a certificate error was retried: %d attempts", attempts.count())
	}
	trusting := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", CACertPEM: srv.CertPEM()})
	if _, err := trusting.Token(context.Background(), nil); err != nil {
		t.Fatalf("with ca_cert_pem: %v", err)
	}
	if _, err := tokenclient.New(tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: "a", ClientSecret: "b", CACertPEM: "not a certificate"}); err == nil {
		t.Error("New accepted a PEM without certificates")
	}
}

// Cancelling while waiting out a Retry-After ends the wait at once.
func TestCancelDuringBackoff(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Status: 503, RetryAfter: "30"})
	expectPromptCancel(t, newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", MaxRetries: 3}))
	if n := len(srv.TokenRequests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// shown is an untrusted text as a person reads it (no credential known).
func shown(u redact.Untrusted) string {
	text, _ := new(redact.Scrubber).Output().Show(u, redact.FieldLimit)
	return text
}

// describe is the facts of a failed request as a person reads them: its
// one-line summary and every text the server or the transport supplied,
// shown through redact.Output.
func describe(e *tokenclient.Error) string {
	o := new(redact.Scrubber).Output()
	parts := []string{e.Error()}
	for _, f := range []struct {
		name string
		text redact.Untrusted
	}{{"error", e.Code}, {"description", e.Description}, {"uri", e.URI}, {"content type", e.ContentType},
		{"body", e.Body}, {"redirect to", e.Location}, {"challenge", e.Challenge}, {"cause", e.Cause}} {
		if text, withheld := o.Show(f.text, redact.FieldLimit); withheld {
			parts = append(parts, f.name+": (withheld)")
		} else if text != "" {
			parts = append(parts, f.name+": "+text)
		}
	}
	return strings.Join(parts, "; ")
}

// data is untrusted texts as the data they are.
func data(us []redact.Untrusted) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Data()
	}
	return out
}

// A Workiva client secret (wk_secret:oa2c:…) in a Basic header is accepted
// at the first attempt by a server that form-decodes the header's parts
// (RFC 6749 2.3.1) and by one that takes them as they stand (as Workiva
// documents it), with the header style and with auto; a secret that
// form-decoding would change is still understood by a decoding server.
func TestBasicHeaderReadsAsWritten(t *testing.T) {
	const workivaID, workivaSecret = "3f1c9a2e-8b7d-4e6f-a5c4-0d1e2f3a4b5c", "wk_secret:oa2c:Q7f3Zk9LmP2xR8vT4bWn" //nolint:gosec // test credentials
	for _, tc := range []struct {
		name         string
		asWritten    bool
		secret       string
		style        tokenclient.AuthStyle
		wantAttempts int64
	}{
		{"decoding server, header", false, workivaSecret, tokenclient.AuthStyleHeader, 1},
		{"server reading as written, header", true, workivaSecret, tokenclient.AuthStyleHeader, 1},
		{"server reading as written, auto", true, workivaSecret, tokenclient.AuthStyleAuto, 1},
		{"decoding server, a secret with + and %", false, "a+b%c:d", tokenclient.AuthStyleHeader, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, iamserver.Options{BasicAsWritten: tc.asWritten,
				Clients: []iamserver.Client{{ID: workivaID, Secret: tc.secret, Scopes: []string{"file:read"}}}})
			cfg := tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: workivaID, ClientSecret: tc.secret, AuthStyle: tc.style, APIVersion: "2026-01-01"}
			counter := countAttempts(&cfg)
			if _, err := newClient(t, cfg).Token(context.Background(), nil); err != nil {
				t.Fatalf("Token: %v", err)
			}
			if n := counter.count(); n != tc.wantAttempts {
				t.Errorf("%d requests, want %d", n, tc.wantAttempts)
			}
			if r := srv.TokenRequests(); len(r) == 0 || r[len(r)-1].AuthMethod != iamserver.MethodSecretBasic {
				t.Errorf("the accepted request was not authenticated by the Basic header: %+v", r)
			}
		})
	}
}

// With DPoP, every token request carries a proof of its own; a server's
// use_dpop_nonce is answered once, with the nonce it handed out, and the
// token is DPoP-bound. Without DPoP such a server refuses the client.
func TestDPoPTokenRequests(t *testing.T) {
	srv := startServer(t, iamserver.Options{DPoP: &iamserver.DPoP{Required: true, Nonces: true}})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: iamserver.CurrentVersion, DPoP: true})
	tok, err := c.Token(context.Background(), []string{"file:read"})
	if err != nil {
		t.Fatal(err)
	}
	if !tok.DPoP() || c.Prover() == nil {
		t.Errorf("token_type %q; want DPoP", tok.TokenType.Data())
	}
	reqs := srv.TokenRequests()
	if len(reqs) != 2 || reqs[0].Status != 400 || reqs[1].Status != 200 {
		t.Fatalf("%d token requests; want the nonce asked for, then a token", len(reqs))
	}
	if p0, p1 := reqs[0].Header.Get("DPoP"), reqs[1].Header.Get("DPoP"); p0 == "" || p1 == "" || p0 == p1 {
		t.Error("each attempt needs a proof of its own")
	}
	// New nonces cost one refused request more, no loop.
	srv.RotateDPoPNonces()
	srv.Reset()
	if _, err := c.Token(context.Background(), []string{"graph:read"}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.TokenRequests()); n != 2 {
		t.Errorf("%d token requests after new nonces; want 2", n)
	}

	// The nonce is read from the answer as the client reads every answer:
	// from a form-encoded error too; without a nonce, or with another
	// error, nothing is sent again.
	form := startServer(t, iamserver.Options{DPoP: &iamserver.DPoP{Required: true, Nonces: true}, ResponseFormat: iamserver.FormatForm})
	fc := newClient(t, tokenclient.Config{TokenURL: form.TokenURL(), APIVersion: iamserver.CurrentVersion, DPoP: true})
	if _, err := fc.Token(context.Background(), nil); err != nil || len(form.TokenRequests()) != 2 {
		t.Errorf("form-encoded answers: %v, %d token requests; want a token after 2", err, len(form.TokenRequests()))
	}
	for name, fault := range map[string]iamserver.Fault{
		"no nonce":      {Status: 400, ContentType: "application/json", Body: `{"error":"use_dpop_nonce"}`},
		"another error": {Status: 400, ContentType: "application/json", Body: `{"error":"invalid_dpop_proof"}`, Header: http.Header{"Dpop-Nonce": {"fresh-x"}}},
	} {
		form.Reset()
		form.Script(fault)
		if _, err := fc.Token(context.Background(), []string{name}); err == nil || len(form.TokenRequests()) != 1 {
			t.Errorf("%s: %v after %d token requests; want the refusal after 1", name, err, len(form.TokenRequests()))
		}
	}

	plain := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: iamserver.CurrentVersion})
	_, err = plain.Token(context.Background(), nil)
	var e *tokenclient.Error
	if !errors.As(err, &e) || e.StatusCode != 400 || !e.Code.Is("invalid_dpop_proof") {
		t.Errorf("a client without DPoP at a DPoP server: %v", err)
	}
}
