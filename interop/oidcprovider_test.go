package interop_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

// oidcResource and oidcJWTResource are resource indicators (RFC 8707) the
// OpenID provider issues access tokens for: opaque ones, which it can
// revoke, and JWTs (RFC 9068), which it cannot.
const (
	oidcResource    = "https://api.interop.test"
	oidcJWTResource = "https://jwt.interop.test"
)

// oidcProvider is a running panva/oidc-provider (OpenID Certified; the
// version package.json pins) on loopback over https.
type oidcProvider struct {
	issuer string
	// serverCA is its TLS certificate, for ca_cert_pem; clientCA signs the
	// client certificates it accepts.
	serverCA string
	clientCA *iamtest.CA
	client   *http.Client
}

// oidcEvent is a token event the server emitted.
type oidcEvent struct {
	Event    string `json:"event"`
	ClientID string `json:"client_id"`
	JTI      string `json:"jti"`
	Aud      string `json:"aud"`
	X5T      string `json:"x5t"`
	Error    string `json:"error"`
}

// startOIDCProvider starts server.mjs with the clients (oidc-provider's
// client metadata) and stops it when the test ends. Node.js and the
// package's modules must be installed (make test-interop runs npm ci;
// .ci/run installs Node.js from Debian's packages where it is missing).
func startOIDCProvider(t *testing.T, clientCA *iamtest.CA, clients []map[string]any) *oidcProvider {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is not installed; .ci/run installs it")
		}
		t.Skip("node is not installed")
	}
	if _, err := os.Stat(filepath.Join("oidcprovider", "node_modules", "oidc-provider")); err != nil {
		t.Fatal("oidc-provider is not installed: run `npm ci` in interop/oidcprovider (make test-interop does)")
	}
	certPEM, keyPEM := serverCertificate(t)
	settings, err := json.Marshal(map[string]any{
		"tls":      map[string]string{"key": keyPEM, "cert": certPEM, "clientCA": clientCA.PEM},
		"clients":  clients,
		"resource": oidcResource, "jwtResource": oidcJWTResource,
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(file, settings, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "server.mjs", file)
	cmd.Dir = "oidcprovider"
	cmd.Env = append(os.Environ(), "NODE_ENV=production")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("oidc-provider stderr:\n%s", stderr.String())
		}
	})
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	var started struct{ Issuer string }
	select {
	case l, ok := <-line:
		if !ok || json.Unmarshal([]byte(l), &started) != nil || started.Issuer == "" {
			t.Fatalf("oidc-provider did not start: %q\n%s", l, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("oidc-provider did not start within a minute:\n%s", stderr.String())
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(certPEM))
	return &oidcProvider{issuer: started.Issuer, serverCA: certPEM, clientCA: clientCA,
		client: &http.Client{Transport: &http.Transport{TLSClientConfig: newTLSConfig(pool)}, Timeout: 10 * time.Second}}
}

// providerBlock configures the provider for client tc at the server's
// issuer, with the default scope api:read for resource.
func (p *oidcProvider) providerBlock(tc oidcCase, resource string) string {
	return fmt.Sprintf(`
provider "workiva" {
  issuer      = %q
  ca_cert_pem = %q
  client_id   = %q
  scopes      = ["api:read"]
  resources   = [%q]
  %s
}
`, p.issuer, p.serverCA, tc.id, resource, tc.credential)
}

// events are the token events the server emitted so far.
func (p *oidcProvider) events(t *testing.T) []oidcEvent {
	t.Helper()
	resp, err := p.client.Get(p.issuer + "/_test/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []oidcEvent
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// serverCertificate is a self-signed certificate for 127.0.0.1.
func serverCertificate(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
}

// publicJWKS is the JWK Set of a key's public half, for a client's jwks.
func publicJWKS(t *testing.T, k iamtest.Key, alg string) map[string]any {
	t.Helper()
	raw, err := jose.JSONWebKey{Key: k.Public(), KeyID: "interop-" + strings.ToLower(alg), Algorithm: alg, Use: "sig"}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var jwk map[string]any
	if err := json.Unmarshal(raw, &jwk); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"keys": []any{jwk}}
}

// Every auth style the provider has, against a certified OpenID provider,
// through the CLI: the token endpoint, the methods and the revocation
// endpoint come from discovery (issuer); every token is for the RFC 8707
// resource (its audience, as the server recorded it), revoked when
// Terraform closes it, and, with a client certificate, bound to it
// (x5t#S256, RFC 8705 3).
func TestOIDCProviderEveryAuthStyle(t *testing.T) {
	p, cases := oidcClients(t)
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) { everyAuthStyle(t, p, tc) })
	}
}

// oidcCase is a client of the OpenID provider and the provider
// configuration lines that authenticate it.
type oidcCase struct {
	id, credential string
	bound          bool
}

// oidcClients starts the OpenID provider with one client per auth style.
func oidcClients(t *testing.T) (*oidcProvider, []oidcCase) {
	t.Helper()
	ca := iamtest.NewCA(t)
	rsaKey, ecKey := iamtest.RSAKey(t, iamtest.PKCS8), iamtest.ECKey(t, elliptic.P256(), iamtest.SEC1)
	certPEM, certKey := ca.ClientCertificate(t, "interop-mtls")
	const jwtSecret = "a-client-secret-of-well-over-32-bytes-for-hs256" //nolint:gosec // a test credential
	client := func(id, method string, extra map[string]any) map[string]any {
		c := map[string]any{"client_id": id, "token_endpoint_auth_method": method, "grant_types": []string{"client_credentials"},
			"redirect_uris": []string{}, "response_types": []string{}, "scope": "api:read api:write"}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	p := startOIDCProvider(t, ca, []map[string]any{
		client("basic", "client_secret_basic", map[string]any{"client_secret": "basic-secret-value"}),
		client("post", "client_secret_post", map[string]any{"client_secret": "post-secret-value"}),
		client("auto", "client_secret_post", map[string]any{"client_secret": "auto-secret-value"}),
		client("hs256", "client_secret_jwt", map[string]any{"client_secret": jwtSecret}),
		client("rs256", "private_key_jwt", map[string]any{"jwks": publicJWKS(t, rsaKey, "RS256")}),
		client("es256", "private_key_jwt", map[string]any{"jwks": publicJWKS(t, ecKey, "ES256")}),
		client("mtls", "tls_client_auth", map[string]any{"tls_client_auth_subject_dn": "CN=interop-mtls", "tls_client_certificate_bound_access_tokens": true}),
		client("dpop", "client_secret_basic", map[string]any{"client_secret": "dpop-secret-value", "dpop_bound_access_tokens": true}),
	})
	return p, []oidcCase{
		// No auth_style: the first method the client's credential can use
		// that the server lists (client_secret_basic for a secret).
		{id: "basic", credential: `client_secret = "basic-secret-value"`},
		{id: "post", credential: "client_secret = \"post-secret-value\"\n  auth_style = \"body\""},
		// auto at a server that lists both secret methods: the header,
		// refused (the client is registered for the body), then the body.
		{id: "auto", credential: "client_secret = \"auto-secret-value\"\n  auth_style = \"auto\""},
		{id: "hs256", credential: fmt.Sprintf("client_secret = %q\n  auth_style = \"client_secret_jwt\"", jwtSecret)},
		{id: "rs256", credential: fmt.Sprintf("client_assertion_key_pem = %q", rsaKey.PEM)},
		{id: "es256", credential: fmt.Sprintf("client_assertion_key_pem = %q", ecKey.PEM)},
		{id: "mtls", credential: fmt.Sprintf("client_certificate_pem = %q\n  client_key_pem = %q", certPEM, certKey), bound: true},
	}
}

func everyAuthStyle(t *testing.T, p *oidcProvider, tc oidcCase) {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("token_type"), knownvalue.StringExact("Bearer")),
		statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("scope"), knownvalue.StringExact("api:read")),
		statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("length"), knownvalue.NotNull()),
	}
	providertest.UnitTest(t, resource.TestStep{
		Config: p.providerBlock(tc, oidcResource) + `
ephemeral "workiva_token" "t" {
  revoke_on_close = true
}
provider "echo" {
  data = {
    token_type = ephemeral.workiva_token.t.token_type
    scope      = ephemeral.workiva_token.t.scope
    length     = length(ephemeral.workiva_token.t.access_token)
  }
}
resource "echo" "t" {}
`,
		ConfigStateChecks: checks,
	})
	saved, destroyed := map[string]bool{}, map[string]bool{}
	for _, e := range p.events(t) {
		switch {
		case e.Error != "":
			t.Errorf("the server reported %s: %s", e.Event, e.Error)
		case e.ClientID != tc.id:
		case e.Event == "client_credentials.saved":
			saved[e.JTI] = true
			if tc.bound && e.X5T == "" {
				t.Errorf("token %s is not bound to the client certificate", e.JTI)
			}
			if e.Aud != oidcResource {
				t.Errorf("token %s is for %q; want the resource %s", e.JTI, e.Aud, oidcResource)
			}
		case e.Event == "client_credentials.destroyed":
			destroyed[e.JTI] = true
		}
	}
	if len(saved) == 0 {
		t.Fatal("the server issued no token")
	}
	t.Logf("%s: %d tokens issued, %d revoked", tc.id, len(saved), len(destroyed))
	// Configure's check and each phase's token are one token per
	// phase (one scope set); every one was revoked at Close.
	for jti := range saved {
		if !destroyed[jti] {
			t.Errorf("token %s was issued and not revoked (%d issued, %d revoked)", jti, len(saved), len(destroyed))
		}
	}
}

// JWT access tokens (RFC 9068) for an RFC 8707 resource, read with
// provider::workiva::jwt_claims: their aud is the resource, their
// client_id the client, and with a client certificate they carry its
// thumbprint (cnf x5t#S256, RFC 8705 3.1).
func TestOIDCProviderJWTAccessTokens(t *testing.T) {
	p, cases := oidcClients(t)
	for _, tc := range cases {
		if tc.id != "rs256" && tc.id != "mtls" {
			continue
		}
		t.Run(tc.id, func(t *testing.T) {
			claim := func(name string) tfjsonpath.Path { return tfjsonpath.New("data").AtMapKey(name) }
			checks := []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.t", claim("aud"), knownvalue.StringExact(oidcJWTResource)),
				statecheck.ExpectKnownValue("echo.t", claim("client_id"), knownvalue.StringExact(tc.id)),
				statecheck.ExpectKnownValue("echo.t", claim("iss"), knownvalue.StringExact(p.issuer)),
			}
			if tc.bound {
				checks = append(checks, statecheck.ExpectKnownValue("echo.t", claim("cnf").AtMapKey("x5t#S256"), knownvalue.NotNull()))
			}
			providertest.UnitTest(t, resource.TestStep{
				Config: p.providerBlock(tc, oidcJWTResource) + `
ephemeral "workiva_token" "t" {}
provider "echo" {
  data = provider::workiva::jwt_claims(ephemeral.workiva_token.t.access_token)
}
resource "echo" "t" {}
`,
				ConfigStateChecks: checks,
			})
		})
	}
}

// DPoP (RFC 9449) against a certified server that requires it of the
// client and wants its nonce in every proof: the token endpoint refuses the
// first proof (use_dpop_nonce), the provider sends the request again with
// the nonce, and the token is a DPoP token bound to the provider's key
// (token_type DPoP, cnf.jkt in the JWT access token).
func TestOIDCProviderDPoP(t *testing.T) {
	p, _ := oidcClients(t)
	claim := func(name string) tfjsonpath.Path { return tfjsonpath.New("data").AtMapKey(name) }
	providertest.UnitTest(t, resource.TestStep{
		Config: p.providerBlock(oidcCase{id: "dpop", credential: "client_secret = \"dpop-secret-value\"\n  dpop = true"}, oidcJWTResource) + `
ephemeral "workiva_token" "t" {}
provider "echo" {
  data = {
    token_type = ephemeral.workiva_token.t.token_type
    jkt        = provider::workiva::jwt_claims(ephemeral.workiva_token.t.access_token).cnf.jkt
  }
}
resource "echo" "t" {}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("echo.t", claim("token_type"), knownvalue.StringExact("DPoP")),
			statecheck.ExpectKnownValue("echo.t", claim("jkt"), knownvalue.NotNull()),
		},
	})
	// The JWT access token is not stored (no saved event); its cnf.jkt
	// above is the server's own word that it is bound.
	nonces := 0
	for _, e := range p.events(t) {
		switch {
		case strings.Contains(e.Error, "use_dpop_nonce") || strings.Contains(e.Error, "UseDpopNonce"):
			nonces++
		case e.Error != "":
			t.Errorf("the server reported %s: %s", e.Event, e.Error)
		}
	}
	if nonces == 0 {
		t.Error("no proof was refused for the nonce: the nonce path was not taken")
	}
}

func newTLSConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}

// lockedBuffer is what a process writes to its standard error, read while
// it may still be writing (a failed start reports it).
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
