package tokenclient_test

import (
	"context"
	"crypto/elliptic"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// private_key_jwt: every request carries a fresh assertion (retries
// included) with the claims and header RFC 7523 and OpenID Connect Core
// ask for, signed so that the client's public key verifies it, and no
// secret; the server accepts it.
func TestPrivateKeyJWT(t *testing.T) {
	cases := []struct {
		alg, encoding string
		key           func(t *testing.T, enc string) iamtest.Key
		wantAlg       string
	}{
		{"", iamtest.PKCS1, func(t *testing.T, e string) iamtest.Key { return iamtest.RSAKey(t, e) }, "RS256"},
		{"PS256", iamtest.PKCS8, func(t *testing.T, e string) iamtest.Key { return iamtest.RSAKey(t, e) }, "PS256"},
		{"", iamtest.SEC1, func(t *testing.T, e string) iamtest.Key { return iamtest.ECKey(t, elliptic.P256(), e) }, "ES256"},
		{"ES256", iamtest.PKCS8, func(t *testing.T, e string) iamtest.Key { return iamtest.ECKey(t, elliptic.P256(), e) }, "ES256"},
	}
	for _, tc := range cases {
		t.Run(tc.wantAlg+"/"+tc.encoding, func(t *testing.T) {
			key := tc.key(t, tc.encoding)
			srv := startServer(t, iamserver.Options{Clients: []iamserver.Client{{ID: "jwt-client", PublicKey: key.Public(), Scopes: []string{"file:read", "graph:read"}}}})
			srv.Script(iamserver.Fault{Status: 503})
			c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", ClientID: "jwt-client", MaxRetries: 1,
				AuthStyle: tokenclient.AuthStylePrivateKeyJWT, AssertionKeyPEM: key.PEM, AssertionAlg: tc.alg, AssertionKeyID: "key-1"})
			for _, scopes := range [][]string{{"file:read"}, {"graph:read"}} {
				if _, err := c.Token(context.Background(), scopes); err != nil {
					t.Fatal(err)
				}
			}
			reqs := srv.TokenRequests()
			if len(reqs) != 3 || reqs[0].Status != 503 || reqs[1].AuthMethod != iamserver.MethodJWT || reqs[2].AuthMethod != iamserver.MethodJWT {
				t.Fatalf("requests: %+v", reqs)
			}
			jtis := map[string]bool{}
			for _, r := range reqs {
				if r.Form.Get("client_assertion_type") != tokenclient.ClientAssertionType || r.Form.Get("client_id") != "jwt-client" ||
					r.Form.Has("client_secret") || r.Header.Get("Authorization") != "" {
					t.Errorf("form %v, Authorization %q", r.Form, r.Header.Get("Authorization"))
				}
				tok, err := jwt.ParseSigned(r.Form.Get("client_assertion"), []jose.SignatureAlgorithm{jose.SignatureAlgorithm(tc.wantAlg)})
				if err != nil {
					t.Fatal(err)
				}
				h := tok.Headers[0]
				if h.Algorithm != tc.wantAlg || h.KeyID != "key-1" || h.ExtraHeaders["typ"] != "JWT" {
					t.Errorf("header %+v", h)
				}
				var claims jwt.Claims
				if err := tok.Claims(key.Public(), &claims); err != nil {
					t.Fatalf("the signature does not verify: %v", err)
				}
				if claims.Issuer != "jwt-client" || claims.Subject != "jwt-client" || !slices.Equal([]string(claims.Audience), []string{srv.TokenURL()}) ||
					claims.Expiry.Time().Sub(claims.IssuedAt.Time()) != tokenclient.AssertionLifetime || claims.ID == "" {
					t.Errorf("claims %+v", claims)
				}
				jtis[claims.ID] = true
			}
			if len(jtis) != 3 {
				t.Errorf("%d distinct jti in 3 requests (the retry included)", len(jtis))
			}
		})
	}
}

func TestAssertionKeyErrors(t *testing.T) {
	rsaKey, ecKey := iamtest.RSAKey(t, iamtest.PKCS8), iamtest.ECKey(t, elliptic.P256(), iamtest.SEC1)
	cases := []struct {
		name, pem, alg string
		want           error
	}{
		{"RSA key with ES256", rsaKey.PEM, "ES256", tokenclient.ErrAssertionAlgMismatch},
		{"EC key with RS256", ecKey.PEM, "RS256", tokenclient.ErrAssertionAlgMismatch},
		{"EC key with PS256", ecKey.PEM, "PS256", tokenclient.ErrAssertionAlgMismatch},
		{"P-384 key", iamtest.ECKey(t, elliptic.P384(), iamtest.PKCS8).PEM, "", tokenclient.ErrAssertionKey},
		{"not PEM", "not a key", "", tokenclient.ErrAssertionKey},
		{"a certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "", tokenclient.ErrAssertionKey},
		{"no key", "", "", tokenclient.ErrMissingCredential},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tokenclient.New(tokenclient.Config{TokenURL: "https://iam.test/token", ClientID: "id",
				AuthStyle: tokenclient.AuthStylePrivateKeyJWT, AssertionKeyPEM: tc.pem, AssertionAlg: tc.alg})
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// client_assertion: a ready-made assertion (a workload-identity token)
// is read afresh for every request, so that a rotated file is used at once;
// an unreadable one fails without a request.
func TestClientAssertionReadForEveryRequest(t *testing.T) {
	issuer := iamtest.RSAKey(t, iamtest.PKCS8) // the CI system's OIDC issuer
	srv := startServer(t, iamserver.Options{Clients: []iamserver.Client{{ID: "ci-client", PublicKey: issuer.Public(), Scopes: []string{"file:read", "graph:read"}}}})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: issuer.Signer}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "token")
	rotate := func(jti string) string {
		a, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: "ci-client", Subject: "ci-client", Audience: jwt.Audience{srv.TokenURL()},
			Expiry: jwt.NewNumericDate(time.Now().Add(5 * time.Minute)), ID: jti}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(a+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return a
	}
	var told []string
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", ClientID: "ci-client",
		AuthStyle: tokenclient.AuthStyleClientAssertion, Sensitive: func(v ...string) { told = append(told, v...) },
		Assertion: func(context.Context) (string, error) {
			b, err := os.ReadFile(file)
			return strings.TrimSpace(string(b)), err
		}})
	first := rotate("one")
	if _, err := c.Token(context.Background(), []string{"file:read"}); err != nil {
		t.Fatal(err)
	}
	second := rotate("two")
	if _, err := c.Token(context.Background(), []string{"graph:read"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.TokenRequests()
	if len(reqs) != 2 || reqs[0].Form.Get("client_assertion") != first || reqs[1].Form.Get("client_assertion") != second {
		t.Fatalf("the requests did not carry the file's assertion of the moment: %+v", reqs)
	}
	if !slices.Equal(told, []string{first, second}) {
		t.Errorf("the caller was not told the assertions sent")
	}
	_ = os.Remove(file)
	_, err = c.Token(context.Background(), []string{"file:read", "graph:read"})
	var te *tokenclient.Error
	if !errors.As(err, &te) || te.Kind != tokenclient.KindNotSent || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want an assertion error for the missing file", err)
	}
	if n := len(srv.TokenRequests()); n != 2 {
		t.Errorf("a missing assertion sent a request (%d in all)", n)
	}
	// An empty or white-space file is no assertion: nothing is sent.
	if err := os.WriteFile(file, []byte(" \n\t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = c.Token(context.Background(), []string{"file:read", "graph:read"})
	if !errors.As(err, &te) || te.Kind != tokenclient.KindNotSent || !errors.Is(err, tokenclient.ErrEmptyAssertion) {
		t.Fatalf("got %v, want an assertion error for the empty file", err)
	}
	if n := len(srv.TokenRequests()); n != 2 {
		t.Errorf("an empty assertion sent a request (%d in all)", n)
	}
}

// audience, resources (repeated, in order) and extra parameters are sent
// with every request; a protocol field among the extra parameters is
// refused before any request.
func TestRequestParameters(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", Audience: "https://api.example.com",
		Resources: []string{"https://b.example/", "https://a.example/"}, ExtraParams: map[string]string{"tenant": "t-1", "x": "a b&c"}})
	if _, err := c.Token(context.Background(), []string{"file:read"}); err != nil {
		t.Fatal(err)
	}
	form := srv.TokenRequests()[0].Form
	if form.Get("audience") != "https://api.example.com" || !slices.Equal(form["resource"], []string{"https://b.example/", "https://a.example/"}) ||
		form.Get("tenant") != "t-1" || form.Get("x") != "a b&c" || form.Get("scope") != "file:read" {
		t.Errorf("form %v", form)
	}
	for _, k := range tokenclient.ReservedParams {
		if _, err := tokenclient.New(tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: "id", ClientSecret: "s", ExtraParams: map[string]string{k: "v"}}); !errors.Is(err, tokenclient.ErrReservedParam) {
			t.Errorf("extra parameter %q: got %v", k, err)
		}
	}
}

// tls_client_auth: the client certificate authenticates, the body carries
// client_id only; and a client certificate is presented with any auth style
// to an endpoint behind mutual TLS.
func TestClientCertificates(t *testing.T) {
	ca := iamtest.NewCA(t)
	certPEM, keyPEM := ca.ClientCertificate(t, "cert-client")
	srv := startServer(t, iamserver.Options{TLS: true, ClientCAPEM: ca.PEM, RequireClientCertificate: true, Clients: []iamserver.Client{
		{ID: "cert-client", CertificateSubject: "cert-client", Scopes: []string{"file:read"}},
		{ID: testID, Secret: testSecret, Scopes: []string{"file:read"}},
	}})
	base := tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", CACertPEM: srv.CertPEM(), ClientCertificatePEM: certPEM, ClientKeyPEM: keyPEM, MaxRetries: -1}

	tlsAuth := base
	tlsAuth.ClientID, tlsAuth.AuthStyle = "cert-client", tokenclient.AuthStyleTLSClientAuth
	if _, err := newClient(t, tlsAuth).Token(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, base).Token(context.Background(), nil); err != nil { // header auth, through mutual TLS
		t.Fatal(err)
	}
	reqs := srv.TokenRequests()
	if len(reqs) != 2 || reqs[0].AuthMethod != iamserver.MethodTLS || reqs[0].Form.Has("client_secret") || reqs[1].AuthMethod != iamserver.MethodSecretBasic {
		t.Fatalf("requests: %+v", reqs)
	}

	noCert := base
	noCert.ClientCertificatePEM, noCert.ClientKeyPEM = "", ""
	_, err := newClient(t, noCert).Token(context.Background(), nil)
	var te *tokenclient.Error
	if !errors.As(err, &te) || te.Kind != tokenclient.KindConnection {
		t.Errorf("without a certificate: got %v, want a connection error", err)
	}

	_, otherKey := ca.ClientCertificate(t, "other")
	for name, cfg := range map[string]tokenclient.Config{
		"key of another certificate": {ClientCertificatePEM: certPEM, ClientKeyPEM: otherKey},
		"certificate without key":    {ClientCertificatePEM: certPEM},
		"key without certificate":    {ClientKeyPEM: keyPEM},
	} {
		cfg.TokenURL, cfg.ClientID, cfg.ClientSecret = srv.TokenURL(), "id", "s"
		if _, err := tokenclient.New(cfg); !errors.Is(err, tokenclient.ErrClientCertificate) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// client_secret_jwt: each request carries a fresh HS256 assertion keyed
// with the secret, and never the secret itself; a secret too short for
// HS256 is refused before any request.
func TestClientSecretJWT(t *testing.T) {
	const secret = "a-client-secret-of-at-least-32-bytes"
	srv := startServer(t, iamserver.Options{Clients: []iamserver.Client{{ID: "hs", Secret: secret, Scopes: []string{"file:read"}}}})
	var told []string
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", ClientID: "hs", ClientSecret: secret,
		AuthStyle: tokenclient.AuthStyleClientSecretJWT, Sensitive: func(v ...string) { told = append(told, v...) }})
	for _, scopes := range [][]string{{"file:read"}, nil} {
		if _, err := c.Token(context.Background(), scopes); err != nil {
			t.Fatal(err)
		}
	}
	reqs := srv.TokenRequests()
	if len(reqs) != 2 || reqs[0].Form.Get("client_assertion") == reqs[1].Form.Get("client_assertion") {
		t.Fatalf("want two requests with fresh assertions: %+v", reqs)
	}
	for _, r := range reqs {
		if r.AuthMethod != iamserver.MethodSecretJWT || r.Form.Has("client_secret") || r.Header.Get("Authorization") != "" ||
			strings.Contains(r.Form.Encode(), secret) {
			t.Errorf("request %+v", r)
		}
		if !slices.Contains(told, r.Form.Get("client_assertion")) {
			t.Error("an assertion sent was not reported as sensitive")
		}
	}
	_, err := tokenclient.New(tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: "hs", ClientSecret: "short",
		AuthStyle: tokenclient.AuthStyleClientSecretJWT})
	if !errors.Is(err, tokenclient.ErrSecretTooShort) {
		t.Errorf("a 5-byte secret: %v", err)
	}
}

// Every attempt is sent with its own Content-Length (not chunked), though
// its assertion, and so its length, is new: some gateways refuse a
// chunked token request.
func TestEveryAttemptHasItsLength(t *testing.T) {
	var mu sync.Mutex
	var lengths []int64
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		lengths, bodies = append(lengths, r.ContentLength), append(bodies, string(b))
		first := len(bodies) == 1
		mu.Unlock()
		if len(r.TransferEncoding) > 0 {
			t.Errorf("a chunked token request: %v", r.TransferEncoding)
		}
		if first {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"tok","token_type":"Bearer","expires_in":600}`)
	}))
	t.Cleanup(srv.Close)
	n := 0
	c, err := tokenclient.New(tokenclient.Config{TokenURL: srv.URL + "/token", ClientID: "id", AuthStyle: tokenclient.AuthStyleClientAssertion,
		MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		Assertion: func(context.Context) (string, error) { n++; return "eyJ." + strings.Repeat("a", n*7) + ".sig", nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || bodies[0] == bodies[1] || n != 2 {
		t.Fatalf("%d assertions for the attempts %q", n, bodies)
	}
	for i, b := range bodies {
		if lengths[i] != int64(len(b)) {
			t.Errorf("attempt %d: Content-Length %d for a body of %d bytes", i+1, lengths[i], len(b))
		}
	}
}
