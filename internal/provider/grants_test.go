package provider_test

import (
	"crypto/elliptic"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

func unitTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	providertest.UnitTest(t, steps...)
}

// Several grants in one provider block, from a sensitive map variable, each
// picked by workiva_token.grant with for_each (through terraform apply and
// output: terraform-plugin-testing's state checks cannot address for_each
// instances): each token is issued to its grant's client with its own way
// of authenticating; an entry without client_id is the provider's client.
func TestGrantsForEachFromSensitiveMap(t *testing.T) {
	key := iamtest.ECKey(t, elliptic.P256(), iamtest.SEC1)
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{
		{ID: "reports", Secret: "reports-secret", Scopes: []string{"file:read"}},
		{ID: "graph", PublicKey: key.Public(), Scopes: []string{"file:read", "graph:read"}},
	}})
	config := fmt.Sprintf(`
variable "grants" {
  sensitive = true
  default = {
    reports = { client_id = "reports", client_secret = "reports-secret" }
    graph   = { client_id = "graph", client_assertion_key_pem = %q, scopes = ["graph:read"] }
    legacy  = { auth_style = "body" }
  }
}
provider "workiva" {
  client_id     = %q
  client_secret = %q
  token_url     = %q
  grants        = var.grants
}
data "workiva_token" "t" {
  for_each = toset(nonsensitive(keys(var.grants)))
  grant    = each.key
}
data "workiva_token" "default" {}
output "issued" {
  value = { for name, t in data.workiva_token.t : name => "${t.client_id} ${t.scope}" }
}
output "default" {
  value = { client_id = data.workiva_token.default.client_id, min_validity = data.workiva_token.default.min_validity }
}
`, key.PEM, testClientID, testSecret, srv.TokenURL())
	c := newCLIDir(t, config)
	c.mustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	var out map[string]struct {
		Value map[string]string `json:"value"`
	}
	if err := json.Unmarshal([]byte(c.mustRun(nil, "output", "-json")), &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"reports": "reports file:read", "graph": "graph graph:read", "legacy": testClientID + " file:read graph:read"}
	if !maps.Equal(out["issued"].Value, want) || out["default"].Value["min_validity"] != "1m0s" {
		t.Errorf("outputs %+v, want issued %v", out, want)
	}
	methods := map[string][]string{}
	for _, r := range srv.TokenRequests() {
		if r.Status == 200 {
			methods[r.ClientID] = append(methods[r.ClientID], r.AuthMethod)
		}
	}
	if !slices.Contains(methods["graph"], iamserver.MethodJWT) || !slices.Contains(methods["reports"], iamserver.MethodSecretBasic) ||
		!slices.Contains(methods[testClientID], iamserver.MethodSecretPost) || !slices.Contains(methods[testClientID], iamserver.MethodSecretBasic) {
		t.Errorf("authentication methods by client: %v", methods)
	}
}

// The ephemeral resource picks grants the same way.
func TestEphemeralGrant(t *testing.T) {
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: "other", Secret: "other-secret", Scopes: []string{"graph:read"}}}})
	unitTest(t, resource.TestStep{
		Config: providerBlock(srv, `grants = { other = { client_id = "other", client_secret = "other-secret" } }`) + `
ephemeral "workiva_token" "t" {
  grant        = "other"
  min_validity = "2m"
}
provider "echo" {
  data = { client_id = ephemeral.workiva_token.t.client_id, scope = ephemeral.workiva_token.t.scope, min = ephemeral.workiva_token.t.min_validity }
}
resource "echo" "t" {}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			echoed("client_id", knownvalue.StringExact("other")), echoed("scope", knownvalue.StringExact("graph:read")), echoed("min", knownvalue.StringExact("2m")),
		},
	})
}

func TestGrantErrors(t *testing.T) {
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: "good", Secret: "good-secret", Scopes: []string{"file:read"}}}})
	rsa, ec := iamtest.RSAKey(t, iamtest.PKCS1), iamtest.ECKey(t, elliptic.P256(), iamtest.PKCS8)
	ca := iamtest.NewCA(t)
	cert, _ := ca.ClientCertificate(t, "x")
	_, otherKey := ca.ClientCertificate(t, "y")
	onlyGrants := fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n  grants = { good = { client_id = \"good\", client_secret = \"good-secret\" } }\n}\n", srv.TokenURL())
	cases := []struct {
		name, config, want string
	}{
		{"unknown grant name", onlyGrants + "data \"workiva_token\" \"t\" {\n  grant = \"nope\"\n}\n",
			`(?s)Unknown grant.*"nope".*"good"`},
		{"no default grant", onlyGrants + "data \"workiva_token\" \"t\" {}\n",
			`(?s)No default grant.*"good"`},
		{"a failed grant is named, one diagnostic", providerBlock(srv, `grants = { bad = { client_id = "good", client_secret = "wrong" }, good = { client_id = "good", client_secret = "good-secret" } }`) +
			"data \"workiva_token\" \"t\" {}\n", `(?s)Authentication failed for grant "bad": HTTP 401 invalid_client`},
		{"reserved extra_params key", providerBlock(srv, `extra_params = { tenant = "a", scope = "file:write" }`) + "data \"workiva_token\" \"t\" {}\n",
			`(?s)Reserved key in extra_params.*extra_params.*"scope"`},
		{"reserved key in a grant", providerBlock(srv, `grants = { a = { extra_params = { client_secret = "x" } } }`) + "data \"workiva_token\" \"t\" {}\n",
			`(?s)Reserved key in extra_params.*"client_secret"`},
		{"secret and key", providerBlock(srv, fmt.Sprintf("client_assertion_key_pem = %q", rsa.PEM)) + "data \"workiva_token\" \"t\" {}\n",
			`(?s)Conflicting client credentials.*` + words("a client secret (client_secret in the provider block) and a private key (client_assertion_key_pem in the provider block)")},
		{"alg does not fit the key", fmt.Sprintf("provider \"workiva\" {\n  client_id = \"a\"\n  token_url = %q\n  client_assertion_key_pem = %q\n  client_assertion_alg = \"RS256\"\n}\ndata \"workiva_token\" \"t\" {}\n", srv.TokenURL(), ec.PEM),
			`(?s)client_assertion_alg.*RS256 needs an\s+RSA key`},
		{"style without its credential", fmt.Sprintf("provider \"workiva\" {\n  client_id = \"a\"\n  token_url = %q\n  auth_style = \"private_key_jwt\"\n  client_certificate_pem = %q\n  client_key_pem = %q\n}\ndata \"workiva_token\" \"t\" {}\n", srv.TokenURL(), cert, otherKey),
			`(?s)Missing client_assertion_key_pem`},
		{"certificate without key", providerBlock(srv, fmt.Sprintf("client_certificate_pem = %q", cert)) + "data \"workiva_token\" \"t\" {}\n",
			`(?s)client_key_pem.*must be specified`},
		{"key of another certificate", providerBlock(srv, fmt.Sprintf("client_certificate_pem = %q\n  client_key_pem = %q", cert, otherKey)) + "data \"workiva_token\" \"t\" {}\n",
			`(?s)Invalid provider configuration.*client certificate and key are not usable`},
		{"bad min_validity", providerBlock(srv) + "data \"workiva_token\" \"t\" {\n  min_validity = \"soon\"\n}\n",
			`(?s)Invalid duration.*"soon"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			unitTest(t, resource.TestStep{Config: tc.config, ExpectError: regexp.MustCompile(tc.want)})
		})
	}
}

// audience, resources (repeated, in order) and extra_params reach the token
// endpoint; a grant's own values win over the provider's.
func TestRequestParametersThroughCLI(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	unitTest(t, resource.TestStep{
		Config: providerBlock(srv, `audience = "https://api.example.com"`, `resources = ["https://r2.example/", "https://r1.example/"]`,
			`extra_params = { tenant = "acme" }`, `grants = { eu = { audience = "https://eu.example.com", extra_params = { tenant = "acme-eu" } } }`) + `
data "workiva_token" "default" {}
data "workiva_token" "eu" {
  grant = "eu"
}
`})
	seen := map[string]bool{}
	for _, r := range srv.TokenRequests() {
		f := r.Form
		if !slices.Equal(f["resource"], []string{"https://r2.example/", "https://r1.example/"}) {
			t.Errorf("resources %v", f["resource"])
		}
		seen[f.Get("audience")+" "+f.Get("tenant")] = true
	}
	if !seen["https://api.example.com acme"] || !seen["https://eu.example.com acme-eu"] {
		t.Errorf("audience and tenant pairs sent: %v", seen)
	}
}

// private_key_jwt through the CLI with each algorithm and key encoding: no
// secret is configured, the server verifies the assertion with the
// registered public key.
func TestPrivateKeyJWTThroughCLI(t *testing.T) {
	for _, tc := range []struct {
		alg string
		key iamtest.Key
	}{
		{"RS256", iamtest.RSAKey(t, iamtest.PKCS8)},
		{"PS256", iamtest.RSAKey(t, iamtest.PKCS1)},
		{"ES256", iamtest.ECKey(t, elliptic.P256(), iamtest.PKCS8)},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: "jwt-client", PublicKey: tc.key.Public(), Scopes: []string{"file:read"}}}})
			unitTest(t, resource.TestStep{
				Config: fmt.Sprintf("provider \"workiva\" {\n  client_id = \"jwt-client\"\n  token_url = %q\n  client_assertion_key_pem = %q\n  client_assertion_alg = %q\n  client_assertion_key_id = \"k1\"\n}\ndata \"workiva_token\" \"t\" {}\n",
					srv.TokenURL(), tc.key.PEM, tc.alg),
				ConfigStateChecks: []statecheck.StateCheck{attr("data.workiva_token.t", "client_id", knownvalue.StringExact("jwt-client"))},
			})
			for _, r := range srv.TokenRequests() {
				if r.AuthMethod != iamserver.MethodJWT || r.Form.Has("client_secret") {
					t.Errorf("request authenticated by %q, form %v", r.AuthMethod, r.Form)
				}
			}
		})
	}
}

// A pipeline without stored secrets: the client assertion is a
// workload-identity token in a file named by WORKIVA_CLIENT_ASSERTION_FILE,
// read for every request; or the token itself in WORKIVA_CLIENT_ASSERTION.
func TestSecretlessPipeline(t *testing.T) {
	issuer := iamtest.RSAKey(t, iamtest.PKCS8)
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: "ci", PublicKey: issuer.Public(), ReusableAssertions: true, Scopes: []string{"file:read", "graph:read"}}}})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: issuer.Signer}, nil)
	if err != nil {
		t.Fatal(err)
	}
	token := func(jti string) string {
		a, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: "ci", Subject: "ci", ID: jti, Audience: jwt.Audience{srv.TokenURL()},
			Expiry: jwt.NewNumericDate(time.Now().Add(10 * time.Minute))}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	file := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(file, []byte(token("from-file")), 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n}\ndata \"workiva_token\" \"t\" {}\n", srv.TokenURL())
	t.Setenv("WORKIVA_CLIENT_ID", "ci")
	t.Run("file", func(t *testing.T) {
		t.Setenv("WORKIVA_CLIENT_ASSERTION_FILE", file)
		unitTest(t, resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{attr("data.workiva_token.t", "client_id", knownvalue.StringExact("ci"))}})
	})
	t.Run("variable", func(t *testing.T) {
		t.Setenv("WORKIVA_CLIENT_ASSERTION", token("from-env"))
		unitTest(t, resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{attr("data.workiva_token.t", "client_id", knownvalue.StringExact("ci"))}})
	})
	for _, r := range srv.TokenRequests() {
		if r.Status == 200 && (r.AuthMethod != iamserver.MethodJWT || r.Form.Has("client_secret")) {
			t.Errorf("request %+v", r)
		}
	}
}

// tls_client_auth: only a client certificate is configured; it
// authenticates the client in the TLS handshake, through mutual TLS.
func TestTLSClientAuthThroughCLI(t *testing.T) {
	ca := iamtest.NewCA(t)
	cert, key := ca.ClientCertificate(t, "cert-client")
	srv := iam(t, iamserver.Options{TLS: true, ClientCAPEM: ca.PEM, RequireClientCertificate: true,
		Clients: []iamserver.Client{{ID: "cert-client", CertificateSubject: "cert-client", Scopes: []string{"file:read"}}}})
	unitTest(t, resource.TestStep{
		Config: fmt.Sprintf("provider \"workiva\" {\n  client_id = \"cert-client\"\n  token_url = %q\n  ca_cert_pem = %q\n  client_certificate_pem = %q\n  client_key_pem = %q\n}\ndata \"workiva_token\" \"t\" {}\n",
			srv.TokenURL(), srv.CertPEM(), cert, key),
		ConfigStateChecks: []statecheck.StateCheck{attr("data.workiva_token.t", "client_id", knownvalue.StringExact("cert-client"))},
	})
	for _, r := range srv.TokenRequests() {
		if r.AuthMethod != iamserver.MethodTLS {
			t.Errorf("request authenticated by %q", r.AuthMethod)
		}
	}
}

// Every way users hold a grants map works: typed objects, map(map(string))
// (loosely typed secrets), map(any), and jsondecode() of a JSON secret, the
// last with a workload_identity among its entries.
func TestCLIGrantsEveryWayUsersHoldThem(t *testing.T) {
	issuer, err := iamserver.NewCIIssuer("https://ci.example")
	if err != nil {
		t.Fatal(err)
	}
	srv := iam(t, iamserver.Options{TrustedIssuers: []iamserver.TrustRelationship{
		{Issuer: issuer, Subject: "repo:acme/infra", Audience: "api://workiva", ClientID: "pipeline", Scopes: []string{"file:read"}}}})
	entry := fmt.Sprintf(`{ client_id = %q, client_secret = %q, token_url = %q }`, testClientID, testSecret, srv.TokenURL())
	now := time.Now()
	ciToken, err := issuer.Sign("repo:acme/infra", "api://workiva", now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := json.Marshal(map[string]any{
		"a": map[string]string{"client_id": testClientID, "client_secret": testSecret, "token_url": srv.TokenURL()},
		"b": map[string]any{"client_id": testClientID, "token_url": srv.TokenURL(), "grant_type": "token_exchange",
			"workload_identity": map[string]string{"source": "value", "token": ciToken}},
	})
	for _, tc := range []struct{ name, variable string }{
		{"typed objects", fmt.Sprintf("variable \"grants\" {\n  type = map(object({ client_id = string, client_secret = string, token_url = string }))\n  sensitive = true\n  default = { a = %s }\n}\n", entry)},
		{"map(map(string))", fmt.Sprintf("variable \"grants\" {\n  type = map(map(string))\n  sensitive = true\n  default = { a = %s }\n}\n", entry)},
		{"map(any)", fmt.Sprintf("variable \"grants\" {\n  type = map(any)\n  sensitive = true\n  default = { a = %s }\n}\n", entry)},
		{"jsondecode of a secret", fmt.Sprintf("variable \"secret\" {\n  type = string\n  sensitive = true\n  default = %q\n}\nlocals {\n  grants = jsondecode(var.secret)\n}\n", secret)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grants := "var.grants"
			if strings.Contains(tc.variable, "jsondecode") {
				grants = "local.grants"
			}
			c := newCLIDir(t, tc.variable+fmt.Sprintf("provider \"workiva\" {\n  grants = %s\n  max_retries = 0\n}\ndata \"workiva_token\" \"t\" {\n  grant = \"a\"\n}\noutput \"client\" {\n  value = data.workiva_token.t.client_id\n}\n", grants))
			if out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false"); err != nil || !strings.Contains(out, "client = \""+testClientID+"\"") {
				t.Fatalf("apply: %v\n%s", err, out)
			}
		})
	}
}
