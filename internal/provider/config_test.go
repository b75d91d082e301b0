package provider_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// otherParty is another party: it records the credentials it receives.
type otherParty struct {
	mu   sync.Mutex
	seen []string
	srv  *httptest.Server
}

func newOtherParty(t *testing.T, answer string) *otherParty {
	r := &otherParty{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.seen = append(r.seen, req.URL.Path+" auth="+req.Header.Get("Authorization")+" body="+string(body))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *otherParty) leaked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	basic := base64.StdEncoding.EncodeToString([]byte(testClientID + ":" + testSecret))
	var out []string
	for _, s := range r.seen {
		if strings.Contains(s, basic) || strings.Contains(s, testSecret) {
			out = append(out, s)
		}
	}
	return out
}

// The provider block's credentials go only to its own server, whichever
// endpoint an entry of grants names (credentialsBound). These are the
// review's reproductions: each sent the provider's secret to another
// party before the fix.

// An entry that sets only revocation_url, at another origin, inherits no
// credential: nothing reaches that origin, and the entry lacks a client.
func TestCLIEntryRevocationURLElsewhereInheritsNoCredential(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	evil := newOtherParty(t, "{}")
	c := newCLIDir(t, providerBlock(srv, fmt.Sprintf(`grants = { other = { revocation_url = %q } }`, evil.srv.URL+"/revoke"))+`
ephemeral "workiva_token" "e" {
  grant           = "other"
  scopes          = ["graph:read"]
  revoke_on_close = true
}
locals {
  used = length(ephemeral.workiva_token.e.access_token)
}
`)
	out, err := flatRun(c, nil, "plan", "-input=false")
	if l := evil.leaked(); len(l) > 0 {
		t.Fatalf("the provider's client secret reached another origin (an entry's revocation_url): %q", l)
	}
	if err == nil || !strings.Contains(out, `Missing client_secret for grant "other"`) || strings.Contains(out, testSecret) {
		t.Fatalf("plan: want an error that the entry has no credential of its own, without the provider block's secret:\n%s", out)
	}
}

// An entry whose issuer is on the provider's host, but is not the
// provider's, inherits no credential: its metadata may name a token
// endpoint anywhere (here at another origin, which hears nothing).
func TestCLIEntryIssuerOnTheProvidersHostInheritsNoCredential(t *testing.T) {
	evil := newOtherParty(t, `{"access_token":"evil-token-value-1234567890","token_type":"Bearer","expires_in":600}`)
	var a *httptest.Server
	a = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/oauth-authorization-server/tenant-b":
			fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":%q}`, a.URL+"/tenant-b", evil.srv.URL+"/token")
		default:
			_, _ = io.WriteString(w, `{"access_token":"provider-token-value-1234567890","token_type":"Bearer","expires_in":600}`)
		}
	}))
	t.Cleanup(a.Close)
	c := newCLIDir(t, providerBlockAt(a.URL+"/token", `api_version = ""`, fmt.Sprintf(`grants = { b = { issuer = %q } }`, a.URL+"/tenant-b"))+
		"data \"workiva_token\" \"d\" {\n  grant = \"b\"\n}\n")
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, `Missing client_secret for grant "b"`) {
		t.Errorf("plan: want the entry's missing credential:\n%s", out)
	}
	if l := evil.leaked(); len(l) > 0 {
		t.Fatalf("the provider's secret reached %s, which is not the provider's origin (%s): %q\n%s", evil.srv.URL, a.URL, l, out)
	}
}

// With the provider's issuer not known until apply, whether an entry is the
// provider's client is not known either: the entry waits, and nothing is
// sent with the provider's credentials to the entry's endpoint (here
// Workiva's host, reached through a recording proxy).
func TestCLIUnknownProviderIssuerLeavesEntriesWaiting(t *testing.T) {
	proxy := newOtherParty(t, "{}")
	c := newCLIDir(t, `
resource "terraform_data" "iss" {
  input = "https://idp.example.com"
}
provider "workiva" {
  client_id     = "okta-client"
  client_secret = "okta-secret-0123456789abcdef"
  issuer        = terraform_data.iss.output
  grants = { w = { token_url = "https://api.app.wdesk.com/oauth2/token" } }
}
ephemeral "workiva_token" "e" {
  grant = "w"
}
`)
	out, err := flatRun(c, []string{"HTTPS_PROXY=" + proxy.srv.URL, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + c.dir + "/debug.log"}, "plan", "-input=false")
	// Terraform plans the ephemeral token as unknown; OpenTofu 1.12 refuses
	// an ephemeral resource's unknown result ("not wholly known").
	if err != nil && !strings.Contains(out, "not wholly known") {
		t.Fatalf("plan: %s", out)
	}
	proxy.mu.Lock()
	seen := len(proxy.seen)
	proxy.mu.Unlock()
	if seen != 0 || strings.Contains(c.read("debug.log"), "requesting token") {
		t.Fatalf("a token request was made at plan (%d through the proxy):\n%s", seen, out)
	}
}

// Terraform prints the configuration line a diagnostic's path resolves to:
// a diagnostic about a sensitive attribute points at the provider block,
// so that a secret written in the configuration is not printed with it.
func TestCLIDiagnosticOfASecretDoesNotPrintItsLine(t *testing.T) {
	const short = "short-literal-secret" //nolint:gosec // a test credential
	srv := iam(t, iamserver.Options{})
	c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id     = %q\n  client_secret = %q\n  token_url     = %q\n  auth_style    = \"client_secret_jwt\"\n}\ndata \"workiva_token\" \"d\" {}\n",
		testClientID, short, srv.TokenURL()))
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "HS256 needs a key of at least") {
		t.Fatalf("plan: want the short-secret error:\n%s", out)
	}
	if strings.Contains(out, short) {
		t.Fatalf("the diagnostic printed the configuration line with the secret:\n%s", out)
	}
}

// The schema's validators of an attribute that may hold a credential, and
// of every attribute inside grants (which Terraform resolves to the
// provider block's line of the same name), report without a path: a
// plausible mistake next to a credential written in the configuration
// fails validate without printing it (the second review's reproductions;
// each printed the literal, a heredoc key whole, before the fix).
func TestCLIValidatorsDoNotPrintSecretLines(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	const lit = "LITERAL-SECRET-0123456789abcdef" //nolint:gosec // a test credential
	head := fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n", testClientID, srv.TokenURL())
	cases := map[string]struct{ config, want string }{
		"a reserved extra_params key":     {providerBlock(srv, `extra_params = { client_secret = "`+lit+`" }`), "protocol field"},
		"extra_params over several lines": {providerBlock(srv, "extra_params = {\n    tenant = \"t\"\n    subject_token = \""+lit+"\"\n  }"), "protocol field"},
		"a key without its certificate": {head + "  client_key_pem = \"-----BEGIN PRIVATE KEY-----\\n" + lit + "\\n-----END PRIVATE KEY-----\"\n}\n",
			"Invalid Attribute Combination"},
		"a key as a heredoc, without its certificate": {head + "  client_key_pem = <<-EOT\n    -----BEGIN PRIVATE KEY-----\n    " + lit + "\n    -----END PRIVATE KEY-----\n  EOT\n}\n",
			"Invalid Attribute Combination"},
		"a workload_identity key misspelt":    {head + "  workload_identity = {\n    source = \"value\"\n    tokne = \"" + lit + "\"\n  }\n}\n", "tokne"},
		"a workload_identity source misspelt": {head + "  workload_identity = { source = \"valeu\", token = \"" + lit + "\" }\n}\n", "valeu"},
		"an entry's key without its certificate, next to the provider's key": {head + "  client_certificate_pem = \"cert\"\n  client_key_pem = \"key-" + lit +
			"\"\n  grants = { x = { client_id = \"x\", client_key_pem = \"k\" } }\n}\n", "Invalid Attribute Combination"},
		"an entry's reserved extra_params key, next to the provider's": {providerBlock(srv, `extra_params = { tenant = "`+lit+`" }`,
			`grants = { x = { extra_params = { client_secret = "s" } } }`), "protocol field"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := newCLIDir(t, tc.config+"data \"workiva_token\" \"d\" {}\n")
			out, err := flatRun(c, nil, "validate")
			if err == nil || !strings.Contains(out, tc.want) {
				t.Errorf("validate: want an error with %q:\n%s", tc.want, out)
			}
			if strings.Contains(out, lit) {
				t.Errorf("the credential written in the configuration is printed:\n%s", out)
			}
		})
	}
}

// The third review's first finding: a host that compares equal is dialled as
// another host. "logİn" (U+0130, raw or percent-encoded) lower-cases to
// "login" but is dialled as its IDNA form, xn--login-bgd, another domain;
// such an entry inherited the provider's secret and sent it there at
// configure. A host that is not ASCII is now refused at validate, with the
// form it would be dialled as, and nothing is asked of the proxy that every
// https request goes through.
func TestCLIHostThatReadsAsTheProvidersIsRefused(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Method+" "+r.Host)
		mu.Unlock()
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(proxy.Close)
	for name, host := range map[string]string{"raw": "logİn.example.com", "percent-encoded": "log%C4%B0n.example.com"} {
		for _, attr := range []string{"token_url", "revocation_url"} {
			t.Run(name+" "+attr, func(t *testing.T) {
				mu.Lock()
				asked = nil
				mu.Unlock()
				c := newCLIDir(t, fmt.Sprintf(`
provider "workiva" {
  client_id     = %q
  client_secret = %q
  token_url     = "https://login.example.com/oauth2/token"
  max_retries   = 0
  grants = { other = { %s = "https://%s/oauth2/x" } }
}
data "workiva_token" "t" {}
`, testClientID, testSecret, attr, host))
				out, err := flatRun(c, []string{"HTTPS_PROXY=" + proxy.URL}, "plan", "-input=false")
				if err == nil || !strings.Contains(out, "xn--login-bgd.example.com") || !strings.Contains(out, "host is not ASCII") {
					t.Errorf("plan: want the host refused with the form it is dialled as:\n%s", out)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(asked) > 0 {
					t.Errorf("the proxy was asked %q: nothing may be sent while the configuration is refused", asked)
				}
			})
		}
	}
}
