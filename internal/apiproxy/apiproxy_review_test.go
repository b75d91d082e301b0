package apiproxy_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/apiproxy"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// Close ends an upgraded (101) connection's tunnel too, which Shutdown does
// not track (a review's finding).
func TestCloseEndsUpgradedConnections(t *testing.T) {
	srv := server(t, iamserver.Options{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
		_ = brw.Flush()
		for {
			line, err := brw.ReadString('\n')
			if err != nil {
				return
			}
			_, _ = brw.WriteString("echo:" + line)
			_ = brw.Flush()
		}
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	p, err := apiproxy.Start(context.Background(), apiproxy.Options{Upstream: u, Client: client(t, tokenclient.Config{TokenURL: srv.TokenURL()})})
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(p.URL())
	conn, err := net.Dial("tcp", pu.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n", p.Key())
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", err, resp)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_ = p.Close(ctx)
	t.Logf("Close returned after %v", time.Since(start))
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(conn, "after close\n")
	line, err := br.ReadString('\n')
	if err == nil {
		t.Errorf("tunnel still forwards after Close: %q", line)
	}
}

// Close leaves idle keep-alive connections to the upstream open.
func TestCloseClosesUpstreamConnections(t *testing.T) {
	srv := server(t, iamserver.Options{})
	var mu sync.Mutex
	open := 0
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	up.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch s {
		case http.StateNew:
			open++
		case http.StateClosed, http.StateHijacked:
			open--
		}
	}
	up.Start()
	defer up.Close()
	u, _ := url.Parse(up.URL)
	p, err := apiproxy.Start(context.Background(), apiproxy.Options{Upstream: u, Client: client(t, tokenclient.Config{TokenURL: srv.TokenURL()})})
	if err != nil {
		t.Fatal(err)
	}
	get(t, p, p.URL()+"/x", 200)
	_ = p.Close(context.Background())
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if open != 0 {
		t.Errorf("%d upstream connections still open after Close", open)
	}
}

// A DPoP-bound token the server no longer knows is replaced whichever
// challenge says invalid_token (a review's finding: only DPoP's was read).
func TestDPoPInvalidTokenIsReplaced(t *testing.T) {
	srv := server(t, iamserver.Options{DPoP: &iamserver.DPoP{Required: true}})
	c := client(t, tokenclient.Config{TokenURL: srv.TokenURL(), DPoP: true})
	p, _ := start(t, srv, apiproxy.Options{Client: c})
	if status, _, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"a", p.Key(), nil); status != 200 {
		t.Fatalf("HTTP %d", status)
	}
	srv.InvalidateTokens()
	for i := range 3 {
		status, _, h := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"b", p.Key(), nil)
		if status != 200 {
			t.Errorf("request %d after the server forgot its tokens: HTTP %d %q", i, status, h.Get("WWW-Authenticate"))
		}
	}
	if n := countOK(srv.TokenRequests()); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

// A percent-encoded path: the proof's htu is the path as sent, and one token
// serves every request.
func TestDPoPEncodedPaths(t *testing.T) {
	srv := server(t, iamserver.Options{DPoP: &iamserver.DPoP{Required: true}})
	c := client(t, tokenclient.Config{TokenURL: srv.TokenURL(), DPoP: true})
	p, _ := start(t, srv, apiproxy.Options{Client: c})
	for _, path := range []string{"files/a%2Fb", "files/a%20b"} {
		status, _, h := call(t, http.MethodGet, p.URL()+iamserver.APIPath+path, p.Key(), nil)
		if status != 200 {
			t.Errorf("%s: HTTP %d %q", path, status, h.Get("WWW-Authenticate"))
		}
	}
	if n := countOK(srv.TokenRequests()); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

// The token endpoint and the API of one origin (as Workiva's, and the local
// server's) hand out nonces of their own: a token refresh costs no refused
// request, and a body over 10 MB goes through.
func TestDPoPNoncesOfOneOrigin(t *testing.T) {
	srv := server(t, iamserver.Options{DPoP: &iamserver.DPoP{Required: true, Nonces: true}})
	c := client(t, tokenclient.Config{TokenURL: srv.TokenURL(), DPoP: true})
	p, logged := start(t, srv, apiproxy.Options{Client: c})
	if status, _, _ := call(t, http.MethodGet, p.URL()+iamserver.APIPath+"a", p.Key(), nil); status != 200 {
		t.Fatalf("HTTP %d", status)
	}
	// The token is refreshed (expiry, min_validity); the server's nonces do not change.
	tok, err := c.Token(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Forget(tok)
	big := bytes.Repeat([]byte("y"), apiproxy.MaxReplayed+1)
	status, _, h := call(t, http.MethodPost, p.URL()+iamserver.APIPath+"big", p.Key(), big)
	if status != 200 {
		t.Errorf("big body after a token refresh, no nonce rotated: HTTP %d %q; logged %+v", status, h.Get("WWW-Authenticate"), logged.at(t, 1))
	}
	var codes []int
	for _, r := range srv.TokenRequests() {
		codes = append(codes, r.Status)
	}
	if len(codes) != 3 || codes[0] != 400 || codes[1] != 200 || codes[2] != 200 {
		t.Errorf("token requests answered %v, want [400 200 200]", codes)
	}
}

// The URLs an answer gives on the upstream come back through the proxy as
// the upstream wrote them: a %2F stays one, user info is dropped, Link and
// Content-Location too (a review's finding).
func TestRelocatedURLs(t *testing.T) {
	srv := server(t, iamserver.Options{})
	var upURL string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/base/enc":
			w.Header().Set("Location", "/base/a%2Fb")
		case "/base/user":
			w.Header().Set("Location", strings.Replace(upURL, "http://", "http://evil:pw@", 1)+"/base/x")
		case "/base/link":
			w.Header().Set("Link", "<"+upURL+"/base/items?page=2>; rel=\"next\"")
			w.Header().Set("Content-Location", upURL+"/base/items")
			w.WriteHeader(200)
			return
		}
		w.WriteHeader(302)
	}))
	defer up.Close()
	upURL = up.URL
	u, _ := url.Parse(up.URL + "/base")
	p, _ := start(t, srv, apiproxy.Options{Upstream: u})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	want := map[string][3]string{
		"/enc":  {p.URL() + "/a%2Fb", "", ""},
		"/user": {p.URL() + "/x", "", ""},
		"/link": {"", "<" + p.URL() + "/items?page=2>; rel=\"next\"", p.URL() + "/items"},
	}
	for _, path := range []string{"/enc", "/user", "/link"} {
		req, _ := http.NewRequest(http.MethodGet, p.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+p.Key())
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if got := [3]string{resp.Header.Get("Location"), resp.Header.Get("Link"), resp.Header.Get("Content-Location")}; got != want[path] {
			t.Errorf("%s: Location, Link, Content-Location %q, want %q", path, got, want[path])
		}
	}
}

// The key sent as a request trailer does not reach the upstream (a review's
// finding).
func TestKeyNotInTrailers(t *testing.T) {
	srv := server(t, iamserver.Options{})
	got := make(chan http.Header, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got <- r.Trailer.Clone()
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	p, _ := start(t, srv, apiproxy.Options{Upstream: u})
	pu, _ := url.Parse(p.URL())
	conn, err := net.Dial("tcp", pu.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\nTrailer: Authorization, Dpop\r\n\r\n3\r\nabc\r\n0\r\nAuthorization: Bearer %s\r\nDpop: forged\r\n\r\n", p.Key(), p.Key())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	select {
	case tr := <-got:
		if strings.Contains(fmt.Sprint(tr), p.Key()) {
			t.Errorf("the key reached the upstream as a trailer: %v", tr)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no upstream request")
	}
}
