package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

const (
	testClientID = providertest.ClientID
	testSecret   = providertest.Secret
)

// TestMain makes the suite safe on machines without network
// (providertest.Main), keeping the WORKIVA_* variables for the real-API
// tests.
func TestMain(m *testing.M) {
	os.Exit(providertest.Main(m, savedEnv))
}

// savedEnv holds the WORKIVA_* variables the run started with; TestMain
// clears them so that only the real-API tests see them.
var savedEnv = map[string]string{}

// iam, factories and words are providertest's, which the interop module
// shares.
func iam(t testing.TB, opts iamserver.Options) *iamserver.Server {
	t.Helper()
	return providertest.IAM(t, opts)
}

func factories() map[string]func() (tfprotov6.ProviderServer, error) { return providertest.Factories() }

func words(s string) string { return providertest.Words(s) }

// providerBlock is a provider configuration for srv with extra attribute lines.
func providerBlock(srv *iamserver.Server, extra ...string) string {
	return providerBlockAt(srv.TokenURL(), extra...)
}

// providerBlockAt is a provider configuration with the test credentials for
// the token endpoint at tokenURL, with extra attribute lines.
func providerBlockAt(tokenURL string, extra ...string) string {
	return fmt.Sprintf(`
provider "workiva" {
  client_id     = %q
  client_secret = %q
  token_url     = %q
  %s
}
`, testClientID, testSecret, tokenURL, strings.Join(extra, "\n  "))
}

// checkOneRequestPerConfiguration checks that consumers of the scope set
// graph:read, under a provider whose scopes are file:read, cost between one
// token request and one per provider configuration (Terraform configures
// the provider once per command and phase; Configure asks for file:read).
func checkOneRequestPerConfiguration(t *testing.T, srv *iamserver.Server, consumers int) {
	t.Helper()
	configures := countScope(srv, "file:read")
	requests := countScope(srv, "graph:read")
	t.Logf("%d consumers: %d provider configurations, %d token requests for their scope set", consumers, configures, requests)
	if requests == 0 || configures == 0 {
		t.Fatalf("no token requests recorded (%d configurations, %d for the consumers)", configures, requests)
	}
	if requests > configures {
		t.Errorf("%d consumers caused %d token requests over %d provider configurations; want at most one per configuration", consumers, requests, configures)
	}
}

// countScope counts the token requests srv answered 200 for exactly scope.
func countScope(srv *iamserver.Server, scope string) int {
	n := 0
	for _, r := range srv.TokenRequests() {
		if r.Status == 200 && r.Form.Get("scope") == scope {
			n++
		}
	}
	return n
}

func TestProviderConfigErrors(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	ds := `
data "workiva_token" "t" {}
`
	cases := []struct {
		name   string
		config string
		env    map[string]string
		want   string
	}{
		{
			name:   "missing credentials name attribute and variable",
			config: fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n}\n", srv.TokenURL()) + ds,
			want:   `(?s)(Missing client_id.*WORKIVA_CLIENT_ID.*Missing client_secret.*WORKIVA_CLIENT_SECRET|Missing client_secret.*WORKIVA_CLIENT_SECRET.*Missing client_id.*WORKIVA_CLIENT_ID)`,
		},
		{
			name:   "plain http to a non-loopback host",
			config: fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret = %q\n  token_url = %q\n}\n", testClientID, testSecret, "http://iam.example.com/oauth2/token") + ds,
			want:   `(?s)Invalid token_url.*` + words("plain http to a host that is not loopback"),
		},
		{
			name:   "plain http from the environment",
			config: "provider \"workiva\" {}\n" + ds,
			env:    map[string]string{"WORKIVA_CLIENT_ID": testClientID, "WORKIVA_CLIENT_SECRET": testSecret, "WORKIVA_TOKEN_URL": "http://192.0.2.10/oauth2/token"},
			want:   `(?s)from\s+WORKIVA_TOKEN_URL.*plain http`,
		},
		{
			name:   "malformed token_url",
			config: fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret = %q\n  token_url = %q\n}\n", testClientID, testSecret, "api.app.wdesk.com/oauth2/token") + ds,
			want:   `(?s)Invalid token_url.*not an\s+absolute URL`,
		},
		{
			name:   "unknown region in configuration",
			config: providerBlock(srv, `region = "mars"`) + ds,
			want:   `(?s)value must be one of.*"us".*"eu".*"apac"`,
		},
		{
			name:   "unknown region in the environment",
			config: "provider \"workiva\" {\n  client_id = \"a\"\n  client_secret = \"b\"\n}\n" + ds,
			env:    map[string]string{"WORKIVA_REGION": "mars"},
			want:   `(?s)Unknown region.*WORKIVA_REGION is not one of`,
		},
		{
			name:   "scope with a space inside",
			config: providerBlock(srv, `scopes = ["file:read graph:read"]`) + ds,
			want:   `(?s)Several scopes in one string.*scopes.*` + words("give each as its own element"),
		},
		{
			name:   "bad request_timeout",
			config: providerBlock(srv, `request_timeout = "soon"`) + ds,
			want:   `(?s)Invalid duration.*"soon" is not a positive duration`,
		},
		{
			name:   "bad auth_style",
			config: providerBlock(srv, `auth_style = "query"`) + ds,
			want:   `(?s)auth_style.*value must be one of`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.want)}},
			})
		})
	}
	if n := len(srv.TokenRequests()); n != 0 {
		t.Errorf("invalid configurations sent %d token requests", n)
	}
}

// A wrong secret fails at plan, in Configure, with one diagnostic carrying
// the URL, the status, the server's error and description, and what to check.
func TestProviderWrongSecret(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	config := fmt.Sprintf(`
provider "workiva" {
  client_id     = %q
  client_secret = "not-the-secret"
  token_url     = %q
}
data "workiva_token" "a" {}
data "workiva_token" "b" {}
`, testClientID, srv.TokenURL())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: regexp.MustCompile(`(?s)Authentication failed: HTTP 401 invalid_client.*` +
				regexp.QuoteMeta(srv.TokenURL()) + `.*Server error: invalid_client.*Server description: client authentication\s+failed.*client_secret`),
		}},
	})
	// One request, from Configure; the data sources never ran.
	if n := len(srv.TokenRequests()); n != 1 {
		t.Errorf("server saw %d token requests, want 1", n)
	}
}

// computedSecretProvider is a provider block for srv whose client_secret
// comes from a resource, so that it is known only at apply.
func computedSecretProvider(srv *iamserver.Server) string {
	return fmt.Sprintf(`
resource "terraform_data" "secret" {
  input = %q
}
provider "workiva" {
  client_id     = %q
  client_secret = terraform_data.secret.output
  token_url     = %q
}
`, testSecret, testClientID, srv.TokenURL())
}

// Credentials computed during plan are not an error: the ephemeral token is
// unknown in plan and issued at apply.
func TestProviderUnknownCredentials(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	config := computedSecretProvider(srv) + `
ephemeral "workiva_token" "t" {
  scopes = ["file:read"]
}
provider "echo" {
  data = ephemeral.workiva_token.t.scope
}
resource "echo" "t" {}
`
	step := resource.TestStep{
		Config: config,
		Check:  resource.TestCheckResourceAttr("echo.t", "data", "file:read"),
	}
	if cliIsOpenTofu(t) {
		// OpenTofu requires an ephemeral result to be wholly known (computed
		// attributes may be null, not unknown), so credentials known only at
		// apply cannot be used with OpenTofu; the README says so.
		step = resource.TestStep{Config: config, ExpectError: regexp.MustCompile(`not wholly known`)}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   ephemeralVersionChecks(),
		Steps:                    []resource.TestStep{step},
	})
}

var (
	cliKindOnce sync.Once
	cliOpenTofu bool
)

// cliIsOpenTofu reports whether the CLI the tests run is OpenTofu.
func cliIsOpenTofu(t *testing.T) bool {
	t.Helper()
	cliKindOnce.Do(func() {
		out, err := exec.Command(terraformBinary(t), "version").Output()
		cliOpenTofu = err == nil && strings.Contains(string(out), "OpenTofu")
	})
	return cliOpenTofu
}
