package iamserver_test

import (
	"crypto/elliptic"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock/clocktest"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
)

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func post(t *testing.T, u string, hdr map[string]string, form url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	_ = json.NewDecoder(resp.Body).Decode(&a.body)
	return a
}

func start(t *testing.T, opts iamserver.Options) *iamserver.Server {
	t.Helper()
	opts.Clients = append(opts.Clients,
		iamserver.Client{ID: "reader", Secret: "reader-secret", Scopes: []string{"file:read", "graph:read"}},
		iamserver.Client{ID: "writer", Secret: "writer secret/with+chars", Scopes: []string{"file:write"}},
	)
	s, err := iamserver.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func basic(id, secret string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return req.Header.Get("Authorization")
}

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0"} {
		if s, err := iamserver.Start(addr, iamserver.Options{}); err == nil {
			_ = s.Close()
			t.Errorf("Start(%q) listened", addr)
		}
	}
}

func TestTokenEndpoint(t *testing.T) {
	cur := map[string]string{"X-Version": iamserver.CurrentVersion}
	grant := url.Values{"grant_type": {"client_credentials"}}
	withScope := func(s string) url.Values {
		v := url.Values{"grant_type": {"client_credentials"}, "scope": {s}}
		return v
	}
	bodyCreds := url.Values{"grant_type": {"client_credentials"}, "client_id": {"reader"}, "client_secret": {"reader-secret"}}
	auth := func(h map[string]string, id, secret string) map[string]string {
		out := map[string]string{"Authorization": basic(id, secret)}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		name   string
		legacy bool
		hdr    map[string]string
		form   url.Values
		status int
		code   string
		scope  string
	}{
		{"basic header", false, auth(cur, "reader", "reader-secret"), grant, 200, "", "file:read graph:read"},
		{"secret with reserved characters", false, auth(cur, "writer", "writer secret/with+chars"), grant, 200, "", "file:write"},
		{"body credentials", false, cur, bodyCreds, 200, "", "file:read graph:read"},
		{"narrowed", false, auth(cur, "reader", "reader-secret"), withScope("file:read file:write"), 200, "", "file:read"},
		{"legacy path, no version", true, auth(nil, "reader", "reader-secret"), grant, 200, "", "file:read graph:read"},
		{"legacy path, legacy version", true, auth(map[string]string{"X-Version": iamserver.LegacyVersion}, "reader", "reader-secret"), grant, 200, "", "file:read graph:read"},
		{"legacy path, current version", true, auth(cur, "reader", "reader-secret"), grant, 404, "not_found", ""},
		{"current path, no version", false, auth(nil, "reader", "reader-secret"), grant, 404, "not_found", ""},
		{"unsupported version", false, auth(map[string]string{"X-Version": "2030-01-01"}, "reader", "reader-secret"), grant, 400, "invalid_request", ""},
		{"both credential methods", false, auth(cur, "reader", "reader-secret"), bodyCreds, 400, "invalid_request", ""},
		{"no credentials", false, cur, grant, 401, "invalid_client", ""},
		{"wrong secret", false, auth(cur, "reader", "nope"), grant, 401, "invalid_client", ""},
		{"missing grant_type", false, auth(cur, "reader", "reader-secret"), url.Values{}, 400, "invalid_request", ""},
		{"refresh_token grant", false, auth(cur, "reader", "reader-secret"), url.Values{"grant_type": {"refresh_token"}}, 400, "unsupported_grant_type", ""},
		{"unknown scope", false, auth(cur, "reader", "reader-secret"), withScope("file:read rocket:launch"), 400, "invalid_scope", ""},
		{"scope outside grant", false, auth(cur, "reader", "reader-secret"), withScope("task:write"), 400, "invalid_scope", ""},
	}
	s := start(t, iamserver.Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := s.TokenURL()
			if tc.legacy {
				u = s.LegacyTokenURL()
			}
			a := post(t, u, tc.hdr, tc.form)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d (%v)", a.status, tc.status, a.body)
			}
			if tc.code != "" {
				if a.body["error"] != tc.code || a.body["error_description"] == "" {
					t.Errorf("body %v, want error %q with a description", a.body, tc.code)
				}
				return
			}
			if a.body["scope"] != tc.scope || a.body["token_type"] != "Bearer" || a.body["expires_in"] != float64(599) {
				t.Errorf("body %v", a.body)
			}
			if tok, _ := a.body["access_token"].(string); tok == "" {
				t.Error("no access_token")
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Error("token response is cacheable")
			}
		})
	}
}

func TestProtectedRoute(t *testing.T) {
	clock := clocktest.New()
	s := start(t, iamserver.Options{Clock: clock})
	token := func(id, secret string) string {
		a := post(t, s.TokenURL(), map[string]string{"X-Version": iamserver.CurrentVersion, "Authorization": basic(id, secret)}, url.Values{"grant_type": {"client_credentials"}})
		return a.body["access_token"].(string)
	}
	get := func(authz string) answer {
		req, _ := http.NewRequest(http.MethodGet, s.ProtectedURL(), nil)
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		return do(t, req)
	}
	reader, writer := token("reader", "reader-secret"), token("writer", "writer secret/with+chars")

	if a := get("Bearer " + reader); a.status != 200 || a.body["client_id"] != "reader" {
		t.Errorf("valid token: %d %v", a.status, a.body)
	}
	if a := get(""); a.status != 401 || a.header.Get("WWW-Authenticate") != `Bearer realm="workiva"` {
		t.Errorf("no token: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}
	if a := get("Bearer not-a-token"); a.status != 401 || !strings.Contains(a.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("unknown token: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}
	if a := get("Bearer " + writer); a.status != 403 || !strings.Contains(a.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) ||
		!strings.Contains(a.header.Get("WWW-Authenticate"), `scope="file:read"`) {
		t.Errorf("token without the scope: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}
	clock.Advance(600 * time.Second)
	if a := get("Bearer " + reader); a.status != 401 || !strings.Contains(a.header.Get("WWW-Authenticate"), "expired") {
		t.Errorf("expired token: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}
}

func TestScriptedFaultsAndRecording(t *testing.T) {
	s := start(t, iamserver.Options{ExpiresInAsString: true})
	s.Script(
		iamserver.Fault{Status: 429, RetryAfter: "7"},
		iamserver.Fault{Status: 502, ContentType: "text/html", Body: "<html>bad gateway</html>"},
	)
	hdr := map[string]string{"X-Version": iamserver.CurrentVersion, "Authorization": basic("reader", "reader-secret")}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"file:read"}}
	if a := post(t, s.TokenURL(), hdr, form); a.status != 429 || a.header.Get("Retry-After") != "7" || a.body["error"] != "temporarily_unavailable" {
		t.Errorf("first: %d %v %v", a.status, a.header, a.body)
	}
	if a := post(t, s.TokenURL(), hdr, form); a.status != 502 || a.header.Get("Content-Type") != "text/html" {
		t.Errorf("second: %d %v", a.status, a.header)
	}
	if a := post(t, s.TokenURL(), hdr, form); a.status != 200 || a.body["expires_in"] != "599" {
		t.Errorf("third: %d %v", a.status, a.body)
	}
	reqs := s.TokenRequests()
	if len(reqs) != 3 {
		t.Fatalf("recorded %d requests", len(reqs))
	}
	if reqs[2].ClientID != "reader" || reqs[2].Form.Get("scope") != "file:read" || reqs[0].Status != 429 {
		t.Errorf("recorded %+v", reqs)
	}
	s.Reset()
	if len(s.Requests()) != 0 {
		t.Error("Reset kept requests")
	}
}

func TestBenchTokenRoute(t *testing.T) {
	s := start(t, iamserver.Options{})
	req, _ := http.NewRequest(http.MethodGet, s.URL()+iamserver.BenchTokenPath+"?scope=file:read", nil)
	req.SetBasicAuth("reader", "reader-secret")
	if a := do(t, req); a.status != 200 || a.body["scope"] != "file:read" {
		t.Errorf("%d %v", a.status, a.body)
	}
}

func TestClientAssertions(t *testing.T) {
	key, other := iamtest.RSAKey(t, iamtest.PKCS8), iamtest.ECKey(t, elliptic.P256(), iamtest.PKCS8)
	s := start(t, iamserver.Options{Clients: []iamserver.Client{{ID: "jwt", PublicKey: key.Public(), Scopes: []string{"file:read"}}}})
	sign := func(k iamtest.Key, alg jose.SignatureAlgorithm, c jwt.Claims) string {
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: k.Signer}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err := jwt.Signed(signer).Claims(c).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	claims := func(jti string, aud string, exp time.Duration) jwt.Claims {
		return jwt.Claims{Issuer: "jwt", Subject: "jwt", Audience: jwt.Audience{aud}, ID: jti, Expiry: jwt.NewNumericDate(time.Now().Add(exp))}
	}
	send := func(assertion string) answer {
		return post(t, s.TokenURL(), map[string]string{"X-Version": iamserver.CurrentVersion}, url.Values{"grant_type": {"client_credentials"},
			"client_assertion_type": {iamserver.ClientAssertionType}, "client_assertion": {assertion}, "client_id": {"jwt"}})
	}
	good := sign(key, jose.RS256, claims("a", s.TokenURL(), time.Minute))
	cases := []struct {
		name      string
		assertion string
		status    int
		desc      string
	}{
		{"valid", good, 200, ""},
		{"replayed", good, 401, "replayed"},
		{"another audience", sign(key, jose.RS256, claims("b", "https://elsewhere.test/token", time.Minute)), 401, "not valid"},
		{"expired", sign(key, jose.RS256, claims("c", s.TokenURL(), -time.Minute)), 401, "not valid"},
		{"signed with another key", sign(other, jose.ES256, claims("d", s.TokenURL(), time.Minute)), 401, "signature"},
		{"no jti", sign(key, jose.PS256, claims("", s.TokenURL(), time.Minute)), 401, "no jti"},
		{"not a JWT", "abc.def.ghi", 401, "not a signed JWT"},
	}
	for _, tc := range cases {
		a := send(tc.assertion)
		if a.status != tc.status || (tc.desc != "" && !strings.Contains(fmt.Sprint(a.body["error_description"]), tc.desc)) {
			t.Errorf("%s: %d %v", tc.name, a.status, a.body)
		}
	}
	if rs := s.TokenRequests(); rs[0].AuthMethod != iamserver.MethodJWT || rs[0].ClientID != "jwt" {
		t.Errorf("first request recorded as %+v", rs[0])
	}
}
