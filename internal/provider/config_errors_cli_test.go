package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
)

// flatRun runs the CLI and returns its output with white space folded, so
// that phrases match across Terraform's line breaks.
func flatRun(c *cliDir, env []string, args ...string) (string, error) {
	out, err := c.run(env, append(args, "-no-color")...)
	return strings.Join(strings.Fields(out), " "), err
}

// A refused client is told what fits its grant, its auth style and its
// server, through the CLI.
func TestCLIHintsFitTheGrant(t *testing.T) {
	key, other := iamtest.RSAKey(t, iamtest.PKCS8), iamtest.RSAKey(t, iamtest.PKCS8)
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{
		{ID: "publishing", Secret: "publishing-secret", Scopes: []string{"file:write"}},
		{ID: "jwt", PublicKey: other.Public(), Scopes: []string{"file:read"}},
		{ID: "ci", PublicKey: other.Public(), ReusableAssertions: true, Scopes: []string{"file:read"}},
	}})
	assertion := filepath.Join(t.TempDir(), "ci-token")
	if err := os.WriteFile(assertion, []byte("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjaSJ9.c2lnbmF0dXJl\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, config string
		env          []string
		want, not    []string
	}{
		{"grants entry", providerBlock(srv, `grants = { publishing = { client_id = "publishing", client_secret = "wrong" } }`) +
			"data \"workiva_token\" \"t\" {\n  grant = \"publishing\"\n}\n", nil,
			[]string{`Authentication failed for grant "publishing": HTTP 401 invalid_client`, `the client secret (client_secret in grants["publishing"])`}, []string{"WORKIVA_"}},
		{"private_key_jwt", fmt.Sprintf("provider \"workiva\" {\n  client_id = \"jwt\"\n  token_url = %q\n  client_assertion_key_pem = %q\n}\ndata \"workiva_token\" \"t\" {}\n", srv.TokenURL(), key.PEM), nil,
			[]string{"The server refused the assertion signed with the private key (client_assertion_key_pem in the provider block)", "public key"}, []string{"secret"}},
		{"client assertion", fmt.Sprintf("provider \"workiva\" {\n  client_id = \"ci\"\n  token_url = %q\n}\ndata \"workiva_token\" \"t\" {}\n", srv.TokenURL()),
			[]string{"WORKIVA_CLIENT_ASSERTION_FILE=" + assertion},
			[]string{"The server refused the client assertion (the file named by WORKIVA_CLIENT_ASSERTION_FILE)", "issuer"}, []string{"secret"}},
		{"another vendor's server", fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret = \"wrong\"\n  token_url = %q\n  api_version = \"\"\n}\ndata \"workiva_token\" \"t\" {}\n", testClientID, srv.LegacyTokenURL()), nil,
			[]string{"HTTP 401 invalid_client", "the client secret (client_secret in the provider block), that the client may use the client_credentials grant"},
			[]string{"Workiva", "Organization Admin", "IP restrictions"}},
		{"Workiva's server", providerBlock(srv, `scopes = ["file:write"]`) + "data \"workiva_token\" \"t\" {}\n", nil,
			[]string{"HTTP 400 invalid_scope", "Organization Admin > Security > Provisioning"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := flatRun(newCLIDir(t, tc.config), tc.env, "plan", "-input=false")
			if err == nil {
				t.Fatalf("plan succeeded: %s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			hint := out[strings.LastIndex(out, "Error: "):]
			for _, n := range tc.not {
				if strings.Contains(strings.ReplaceAll(hint, "client_secret", ""), n) && n != "secret" || n == "secret" && strings.Contains(hint, " secret") {
					t.Errorf("the diagnostic says %q:\n%s", n, hint)
				}
			}
		})
	}
}

// Configuration mistakes, in the provider's words and as early as the
// values are known: credentials from two variables name both; a token_url
// that breaks the rules fails `validate`; scope mistakes get their own
// summaries; region is case-insensitive.
func TestCLIConfigurationDiagnostics(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	assertion := filepath.Join(t.TempDir(), "ci-token")
	if err := os.WriteFile(assertion, []byte("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjaSJ9.c2lnbmF0dXJl\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("two credentials from the environment", func(t *testing.T) {
		c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = \"ci\"\n  token_url = %q\n}\ndata \"workiva_token\" \"t\" {}\n", srv.TokenURL()))
		out, err := flatRun(c, []string{"WORKIVA_CLIENT_SECRET=env-secret-5f0c2a9d", "WORKIVA_CLIENT_ASSERTION_FILE=" + assertion}, "plan", "-input=false")
		want := "The provider-level grant has a client secret (WORKIVA_CLIENT_SECRET) and a client assertion (the file named by WORKIVA_CLIENT_ASSERTION_FILE). A grant authenticates in one way"
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	})
	for _, tc := range []struct {
		name, block string
		fails       bool
		want        string
	}{
		{"plain http to another host", `token_url = "http://iam.corp.invalid/oauth2/token"`, true,
			"Error: Invalid token_url"},
		{"user info", `token_url = "https://sk_live_abc@idp.example/oauth/token"`, true, "carries user info"},
		{"empty scope", `scopes = ["file:read", ""]`, true, `Error: Empty scope`},
		{"scopes in one string", `scopes = ["file:read graph:read"]`, true, `Error: Several scopes in one string`},
		{"scopes in one string, detail", `scopes = ["file:read graph:read"]`, true, `"file:read graph:read" holds several scopes separated by white space; give each as its own element: ["file:read", "graph:read"].`},
		{"comma-separated scopes", `scopes = ["file:read,graph:read"]`, false, `Warning: Scope looks like a comma-separated list`},
		{"comma-separated scopes, detail", `scopes = ["file:read,graph:read"]`, false, `"file:read,graph:read" is sent as one scope, commas included; servers take several scopes as separate elements: ["file:read", "graph:read"]`},
		{"region in capitals", `region = "EU"`, false, "Success! The configuration is valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLIDir(t, "provider \"workiva\" {\n  "+tc.block+"\n}\ndata \"workiva_token\" \"t\" {}\n")
			out, err := flatRun(c, nil, "validate")
			if (err != nil) != tc.fails || !strings.Contains(out, tc.want) {
				t.Errorf("validate (error %v): want %q in:\n%s", err, tc.want, out)
			}
		})
	}
	if n := len(srv.TokenRequests()); n != 0 {
		t.Errorf("%d token requests for configurations that cannot authenticate", n)
	}
	t.Run("region in capitals plans", func(t *testing.T) {
		c := newCLIDir(t, providerBlock(srv, `region = "EU"`)+"data \"workiva_token\" \"t\" {}\n")
		if out, err := flatRun(c, []string{"WORKIVA_REGION="}, "plan", "-input=false"); err != nil {
			t.Errorf("plan with region = \"EU\": %s", out)
		}
	})
}

// DEBUG lines of a token request carry the grant and the client id, and a
// cache hit is logged as one.
func TestCLIDebugLogNamesTheGrant(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	c := newCLIDir(t, providerBlock(srv, `scopes = ["file:read"]`)+`
data "workiva_token" "a" {
  scopes = ["graph:read"]
}
data "workiva_token" "b" {
  scopes     = ["graph:read"]
  depends_on = [data.workiva_token.a]
}
`)
	logFile := filepath.Join(c.dir, "debug.log")
	c.mustRun([]string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
	log := c.read("debug.log")
	// hclog writes fields in any order: each message needs a line with all.
	fields := []string{"client_id=" + testClientID, `grant="(provider block)"`}
	for _, msg := range []string{"requesting token:", "workiva_token: token issued:", "workiva_token: cached token reused:"} {
		found := false
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, msg) && strings.Contains(line, fields[0]) && strings.Contains(line, fields[1]) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("the DEBUG log has no line %q with %v", msg, fields)
		}
	}
	if strings.Contains(log, "workiva_token issued") {
		t.Error("the DEBUG log still says \"workiva_token issued\"")
	}
}

// A data source read during plan while a credential is computed says which
// attribute is not known, in the singular.
func TestCLICredentialsNotKnownYet(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	c := newCLIDir(t, computedSecretProvider(srv)+"data \"workiva_token\" \"t\" {}\n")
	out, err := flatRun(c, nil, "plan", "-input=false")
	want := "because the provider attribute client_secret is not known until apply"
	if err == nil || !strings.Contains(out, "Provider credentials not known yet") || !strings.Contains(out, want) {
		t.Errorf("want %q in:\n%s", want, out)
	}
}

// client_secret_jwt through the CLI: the secret never travels, and one too
// short for HS256 is refused on client_secret, with nothing sent.
func TestCLIClientSecretJWT(t *testing.T) {
	const secret = "a-client-secret-of-at-least-32-bytes"
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: "hs", Secret: secret, Scopes: []string{"file:read"}}}})
	config := func(s string) string {
		return fmt.Sprintf("provider \"workiva\" {\n  client_id = \"hs\"\n  client_secret = %q\n  token_url = %q\n  auth_style = \"client_secret_jwt\"\n}\ndata \"workiva_token\" \"t\" {}\n", s, srv.TokenURL())
	}
	newCLIDir(t, config(secret)).mustRun(nil, "plan", "-input=false", "-no-color")
	reqs := srv.TokenRequests()
	if len(reqs) == 0 {
		t.Fatal("no token request")
	}
	for _, r := range reqs {
		if r.Status != 200 || r.AuthMethod != iamserver.MethodSecretJWT || r.Form.Has("client_secret") || r.Header.Get("Authorization") != "" {
			t.Errorf("request %+v", r)
		}
	}
	srv.Reset()
	out, err := flatRun(newCLIDir(t, config("short-secret")), nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "Invalid provider configuration") || !strings.Contains(out, "The client secret is too short for client_secret_jwt: HS256 needs a key of at least 32 bytes") {
		t.Errorf("a short secret:\n%s", out)
	}
	if n := len(srv.TokenRequests()); n != 0 {
		t.Errorf("%d requests with a short secret", n)
	}
}

// A client-credentials grant whose resources the server refuses (RFC 8707
// invalid_target, as an OpenID Certified server answers) is told about its
// resources, not about a workload-identity token it never sent.
func TestCLIInvalidTargetHintFitsTheGrant(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Status: 400, ContentType: "application/json",
		Body: `{"error":"invalid_target","error_description":"resource not allowed"}`})
	c := newCLIDir(t, providerBlock(srv, `resources = ["https://api.example/unknown"]`, "max_retries = 0")+"data \"workiva_token\" \"t\" {}\n")
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "HTTP 400 invalid_target") || !strings.Contains(out, "check audience and resources against what it may issue this client") {
		t.Fatalf("plan:\n%s", out)
	}
	if strings.Contains(out, "workload-identity") {
		t.Errorf("the hint names a workload-identity token the grant never sent:\n%s", out)
	}
}
