package apiproxy_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/apiproxy"
	"github.com/clientcreds/terraform-provider-workiva/internal/clock/clocktest"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

const (
	clientID = "proxy-client"
	secret   = "proxy-secret-4f1c9a7e"
)

func server(t *testing.T, opts iamserver.Options) *iamserver.Server {
	t.Helper()
	if opts.Clients == nil {
		opts.Clients = []iamserver.Client{{ID: clientID, Secret: secret, Scopes: []string{"file:read", "graph:read"}}}
	}
	srv, err := iamserver.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func client(t *testing.T, cfg tokenclient.Config) *tokenclient.Client {
	t.Helper()
	cfg.ClientID, cfg.ClientSecret, cfg.APIVersion = clientID, secret, iamserver.CurrentVersion
	c, err := tokenclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// logs are the lines a proxy logged; a line is logged once its answer is
// written, so at lets the client's answer arrive before it.
type logs struct {
	mu    sync.Mutex
	lines []apiproxy.Logged
}

// at is line i, waiting for it a while.
func (l *logs) at(t *testing.T, i int) apiproxy.Logged {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		l.mu.Lock()
		if i < len(l.lines) {
			defer l.mu.Unlock()
			return l.lines[i]
		}
		l.mu.Unlock()
	}
	t.Fatalf("no log line %d", i)
	return apiproxy.Logged{}
}

// start starts a proxy to srv's echo API.
func start(t *testing.T, srv *iamserver.Server, opts apiproxy.Options) (*apiproxy.Proxy, *logs) {
	t.Helper()
	if opts.Upstream == nil {
		opts.Upstream, _ = url.Parse(srv.URL())
	}
	if opts.Client == nil {
		opts.Client = client(t, tokenclient.Config{TokenURL: srv.TokenURL()})
	}
	logged := &logs{}
	opts.Log = func(_ context.Context, l apiproxy.Logged) {
		logged.mu.Lock()
		defer logged.mu.Unlock()
		logged.lines = append(logged.lines, l)
	}
	p, err := apiproxy.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p, logged
}

// call sends a request to the proxy with key, and decodes the echo.
func call(t *testing.T, method, u, key string, body []byte) (int, iamserver.APIEcho, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var echo iamserver.APIEcho
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &echo)
	return resp.StatusCode, echo, resp.Header
}

func countOK(reqs []iamserver.Request) int {
	n := 0
	for _, r := range reqs {
		if r.Status == http.StatusOK {
			n++
		}
	}
	return n
}

func TestForwardsWithAToken(t *testing.T) {
	srv := server(t, iamserver.Options{})
	p, logged := start(t, srv, apiproxy.Options{Scopes: []string{"file:read"}})
	if !strings.HasPrefix(p.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s is not on loopback", p.URL())
	}
	body := []byte(`{"name":"report.xlsx"}`)
	status, echo, _ := call(t, http.MethodPut, p.URL()+iamserver.APIPath+"files/42?fields=name&x=%2F", p.Key(), body)
	sum := sha256.Sum256(body)
	if status != 200 || echo.Method != "PUT" || echo.Path != iamserver.APIPath+"files/42" || echo.Query != "fields=name&x=%2F" ||
		echo.BodySHA256 != hex.EncodeToString(sum[:]) || echo.ClientID != clientID || echo.TokenType != "Bearer" {
		t.Fatalf("HTTP %d, echo %+v", status, echo)
	}
	if got := echo.Header.Get("X-Forwarded-For"); got != "" {
		t.Errorf("X-Forwarded-For %q sent upstream", got)
	}
	if n := countOK(srv.TokenRequests()); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	if l := logged.at(t, 0); l.Status != 200 || l.Path != iamserver.APIPath+"files/42" || l.Method != "PUT" {
		t.Errorf("logged %+v", l)
	}
}

func TestKeyIsRequired(t *testing.T) {
	srv := server(t, iamserver.Options{})
	p, _ := start(t, srv, apiproxy.Options{})
	for name, key := range map[string]string{"no key": "", "wrong key": p.Key()[:len(p.Key())-1] + "x", "longer key": p.Key() + "x"} {
		status, _, h := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"files", key, nil)
		if status != 401 || !strings.Contains(h.Get("WWW-Authenticate"), "workiva_api_proxy") {
			t.Errorf("%s: HTTP %d %v", name, status, h)
		}
	}
	if status, _, _ := call(t, http.MethodGet, p.TokenEndpoint(), "", nil); status != 401 {
		t.Errorf("token route without the key: HTTP %d", status)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// rawRequest writes a request line and headers to the proxy as they stand.
func rawRequest(t *testing.T, p *apiproxy.Proxy, lines ...string) int {
	t.Helper()
	u, _ := url.Parse(p.URL())
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, strings.Join(lines, "\r\n")+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestNoOtherTarget(t *testing.T) {
	srv := server(t, iamserver.Options{})
	other := server(t, iamserver.Options{})
	p, _ := start(t, srv, apiproxy.Options{})
	otherHost := strings.TrimPrefix(other.URL(), "http://")
	auth := "Authorization: Bearer " + p.Key()
	for name, lines := range map[string][]string{
		"absolute form":  {"GET " + other.URL() + iamserver.APIPath + "files HTTP/1.1", "Host: " + otherHost, auth},
		"CONNECT":        {"CONNECT " + otherHost + " HTTP/1.1", "Host: " + otherHost, auth},
		"asterisk form":  {"OPTIONS * HTTP/1.1", "Host: " + otherHost, auth},
		"another origin": {"GET " + iamserver.APIPath + "files HTTP/1.1", "Host: " + otherHost, auth},
	} {
		status := rawRequest(t, p, lines...)
		if name == "another origin" {
			// The Host header names no target: the request went upstream.
			if status != 200 || len(srv.APIRequests()) != 1 {
				t.Errorf("%s: HTTP %d, %d upstream requests", name, status, len(srv.APIRequests()))
			}
			continue
		}
		// net/http answers OPTIONS * itself (200, nothing else).
		if status != 400 && (name != "asterisk form" || status != 200) {
			t.Errorf("%s: HTTP %d, want 400", name, status)
		}
	}
	if n := len(srv.APIRequests()); n != 1 {
		t.Errorf("%d upstream requests, want the one with another Host", n)
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("%d requests reached the other server", n)
	}
}

func TestInvalidTokenIsReplacedOnce(t *testing.T) {
	srv := server(t, iamserver.Options{})
	p, logged := start(t, srv, apiproxy.Options{})
	if status, _, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"a", p.Key(), nil); status != 200 {
		t.Fatalf("HTTP %d", status)
	}
	srv.InvalidateTokens()
	body := bytes.Repeat([]byte("x"), 1<<20)
	status, echo, _ := call(t, http.MethodPost, p.URL()+iamserver.APIPath+"b", p.Key(), body)
	if status != 200 || echo.BodyBytes != int64(len(body)) {
		t.Fatalf("after the server forgot its tokens: HTTP %d, %d bytes arrived", status, echo.BodyBytes)
	}
	if n := countOK(srv.TokenRequests()); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	if got := logged.at(t, 1).Retried; got != "invalid_token" {
		t.Errorf("logged Retried %q", got)
	}
	// A body over MaxReplayed streams through once, and the refusal is the
	// consumer's.
	srv.InvalidateTokens()
	big := bytes.Repeat([]byte("y"), apiproxy.MaxReplayed+1)
	status, _, h := call(t, http.MethodPost, p.URL()+iamserver.APIPath+"c", p.Key(), big)
	if status != 401 || !strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("large body: HTTP %d %v", status, h)
	}
	if got := logged.at(t, 2).Retried; !strings.Contains(got, "not retried") {
		t.Errorf("logged Retried %q", got)
	}
	// Its token was dropped all the same: the next request gets a new one.
	if status, _, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"d", p.Key(), nil); status != 200 {
		t.Errorf("after the large body: HTTP %d", status)
	}
}

func TestMinValidityAtEveryRequest(t *testing.T) {
	clk := clocktest.New()
	srv := server(t, iamserver.Options{TokenLifetime: 10 * time.Minute, Clock: clk})
	c := client(t, tokenclient.Config{TokenURL: srv.TokenURL(), Clock: clk})
	p, _ := start(t, srv, apiproxy.Options{Client: c, MinValidity: 4 * time.Minute, Clock: clk})
	get := func() {
		t.Helper()
		if status, _, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"x", p.Key(), nil); status != 200 {
			t.Fatalf("HTTP %d", status)
		}
	}
	get()
	clk.Advance(5 * time.Minute) // 5 minutes left: enough
	get()
	clk.Advance(2 * time.Minute) // 3 left: less than min_validity
	get()
	if n := countOK(srv.TokenRequests()); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	resp, err := http.DefaultClient.Do(func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, p.TokenEndpoint(), nil)
		r.Header.Set("Authorization", "Bearer "+p.Key())
		return r
	}())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.Header.Get("Cache-Control") != "no-store" ||
		tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 600 || tok.Scope != "file:read graph:read" {
		t.Errorf("token route: %v %+v %v", err, tok, resp.Header)
	}
}

func TestConcurrentConsumersShareOneToken(t *testing.T) {
	srv := server(t, iamserver.Options{Latency: 50 * time.Millisecond})
	p, _ := start(t, srv, apiproxy.Options{})
	var wg sync.WaitGroup
	statuses := make(chan int, 30)
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"files", p.Key(), nil)
			statuses <- status
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 200 {
			t.Errorf("HTTP %d", s)
		}
	}
	if n := countOK(srv.TokenRequests()); n != 1 {
		t.Errorf("%d token requests for 30 consumers, want 1", n)
	}
}

func TestRedirectsComeBackThroughTheProxy(t *testing.T) {
	srv := server(t, iamserver.Options{})
	p, _ := start(t, srv, apiproxy.Options{})
	req, _ := http.NewRequest(http.MethodGet, p.URL()+iamserver.APIPath+"redirect?to="+url.QueryEscape(iamserver.APIPath+"files?page=2"), nil)
	req.Header.Set("Authorization", "Bearer "+p.Key())
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if want := p.URL() + iamserver.APIPath + "files?page=2"; resp.StatusCode != 302 || resp.Header.Get("Location") != want {
		t.Errorf("HTTP %d, Location %q, want %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if n := len(srv.APIRequests()); n != 1 {
		t.Errorf("the proxy followed the redirect: %d upstream requests", n)
	}
}

func TestUpstreamBasePath(t *testing.T) {
	srv := server(t, iamserver.Options{})
	up, _ := url.Parse(srv.URL() + strings.TrimSuffix(iamserver.APIPath, "/"))
	p, _ := start(t, srv, apiproxy.Options{Upstream: up})
	if status, echo, _ := call(t, http.MethodGet, p.URL()+"/files/7", p.Key(), nil); status != 200 || echo.Path != iamserver.APIPath+"files/7" {
		t.Errorf("HTTP %d, path %q", status, echo.Path)
	}
}

func TestUpstreamMustBeSecure(t *testing.T) {
	srv := server(t, iamserver.Options{})
	for _, raw := range []string{"http://api.example.com", "https://user:pw@api.example.com", "ftp://127.0.0.1"} {
		u, _ := url.Parse(raw)
		if _, err := apiproxy.Start(context.Background(), apiproxy.Options{Upstream: u, Client: client(t, tokenclient.Config{TokenURL: srv.TokenURL()})}); err == nil {
			t.Errorf("%s: started", raw)
		}
	}
}

// A DPoP server that asks for its nonces at both endpoints: the token is
// bound to the process's key, and every request carries a proof of it.
func TestDPoPBoundTokens(t *testing.T) {
	srv := server(t, iamserver.Options{DPoP: &iamserver.DPoP{Required: true, Nonces: true}})
	c := client(t, tokenclient.Config{TokenURL: srv.TokenURL(), DPoP: true})
	p, logged := start(t, srv, apiproxy.Options{Client: c})
	status, echo, _ := call(t, http.MethodPost, p.URL()+iamserver.APIPath+"files", p.Key(), []byte("{}"))
	if status != 200 || echo.TokenType != "DPoP" {
		t.Fatalf("HTTP %d, presented as %q", status, echo.TokenType)
	}
	if got := logged.at(t, 0).Retried; got != "use_dpop_nonce" {
		t.Errorf("logged Retried %q, want the resource's nonce asked for", got)
	}
	var codes []int
	for _, r := range srv.TokenRequests() {
		codes = append(codes, r.Status)
	}
	if len(codes) != 2 || codes[0] != 400 || codes[1] != 200 {
		t.Errorf("token requests answered %v, want the nonce asked for, then a token", codes)
	}
	// New nonces: the next request is refused once more, and sent again.
	srv.RotateDPoPNonces()
	if status, _, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"files", p.Key(), nil); status != 200 {
		t.Errorf("after new nonces: HTTP %d", status)
	}
	// The token itself is no bearer token.
	tok := issuedToken(t, srv)
	req, _ := http.NewRequest(http.MethodGet, srv.APIURL()+"files", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("the DPoP-bound token as a bearer token: HTTP %d", resp.StatusCode)
	}
}

func issuedToken(t *testing.T, srv *iamserver.Server) string {
	t.Helper()
	issued := srv.IssuedTokens()
	if len(issued) != 1 {
		t.Fatalf("%d tokens issued", len(issued))
	}
	return issued[0].AccessToken
}

// A token bound to the client's certificate (RFC 8705) reaches the API
// with the same certificate.
func TestCertificateBoundTokens(t *testing.T) {
	ca, err := iamserver.NewCA("proxy-ca", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.ClientCertificate(clientID)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, iamserver.Options{TLS: true, ClientCAPEM: ca.PEM, BindCertificates: true})
	c := client(t, tokenclient.Config{TokenURL: srv.TokenURL(), CACertPEM: srv.CertPEM(), ClientCertificatePEM: certPEM, ClientKeyPEM: keyPEM})
	p, _ := start(t, srv, apiproxy.Options{Client: c})
	if status, echo, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"files", p.Key(), nil); status != 200 || echo.ClientID != clientID {
		t.Fatalf("HTTP %d %+v", status, echo)
	}
	// Without the certificate the token is refused.
	tok := issuedToken(t, srv)
	tr := c.Transport().(*http.Transport).Clone()
	tr.TLSClientConfig.Certificates = nil
	req, _ := http.NewRequest(http.MethodGet, srv.APIURL()+"files", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("the certificate-bound token without the certificate: HTTP %d", resp.StatusCode)
	}
}

// A failure is the consumer's to read, as a 502 that says what happened and
// shows no credential: a token the server will not issue, an upstream that
// does not answer.
func TestFailuresAreBadGateway(t *testing.T) {
	srv := server(t, iamserver.Options{})
	wrong := tokenclient.Config{TokenURL: srv.TokenURL()}
	wrong.ClientID, wrong.ClientSecret, wrong.APIVersion = clientID, "not-the-secret-9d3e", iamserver.CurrentVersion
	c, err := tokenclient.New(wrong)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := start(t, srv, apiproxy.Options{Client: c, Describe: func(err error) string { return "described: " + err.Error() }})
	body := get(t, p, p.URL()+iamserver.APIPath+"files", 502)
	if !strings.Contains(body, "no token: described") || strings.Contains(body, "not-the-secret-9d3e") || strings.Contains(body, p.Key()) {
		t.Errorf("token failure: %s", body)
	}
	if n := len(srv.APIRequests()); n != 0 {
		t.Errorf("%d requests reached the API without a token", n)
	}

	closed := server(t, iamserver.Options{})
	up, _ := url.Parse(closed.URL())
	_ = closed.Close()
	p, _ = start(t, srv, apiproxy.Options{Upstream: up})
	body = get(t, p, p.URL()+"/anything?key=kept-out", 502)
	if !strings.Contains(body, "did not answer") || strings.Contains(body, "kept-out") {
		t.Errorf("upstream failure: %s", body)
	}
}

// get sends GET u with p's key and returns the body, checking the status.
func get(t *testing.T, p *apiproxy.Proxy, u string, status int) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+p.Key())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Errorf("GET %s: HTTP %d, want %d: %s", u, resp.StatusCode, status, b)
	}
	return string(b)
}
