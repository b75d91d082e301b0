package provider_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// issuerBlock is a provider configuration with the test credentials at the
// server's issuer, with extra attribute lines.
func issuerBlock(issuer string, extra ...string) string {
	return fmt.Sprintf("provider \"workiva\" {\n  client_id     = %q\n  client_secret = %q\n  issuer        = %q\n  %s\n}\n",
		testClientID, testSecret, issuer, strings.Join(extra, "\n  "))
}

// consumers are n ephemeral tokens of one scope set, each passed to an
// output through a local's length (so that the value is used), and n data
// sources of another.
func consumers(n int, ephemeralArgs string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "ephemeral \"workiva_token\" \"e%d\" {\n  scopes = [\"graph:read\"]\n  %s\n}\n", i, ephemeralArgs)
		fmt.Fprintf(&b, "locals {\n  used%d = length(ephemeral.workiva_token.e%d.access_token)\n}\n", i, i)
	}
	return b.String()
}

// An issuer with a path: the provider reads RFC 8414's path-inserted
// document once per phase however many consumers there are, takes the
// token endpoint and the one authentication method the server lists from
// it (so that the server never sees a refused attempt), sends no
// X-Version, and terraform validate sends nothing at all.
func TestCLIIssuerDiscovery(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{IssuerPath: "/tenants/acme",
		AuthMethods: []string{iamserver.MethodSecretPost}}})
	c := newCLIDir(t, issuerBlock(srv.Issuer())+consumers(5, "")+"data \"workiva_token\" \"d\" {}\n")
	if out, err := flatRun(c, nil, "validate"); err != nil {
		t.Fatalf("validate: %s", out)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("validate sent %d requests; it must stay offline", n)
	}
	if out, err := flatRun(c, nil, "plan", "-input=false"); err != nil {
		t.Fatalf("plan: %s", out)
	}
	md := srv.MetadataRequests()
	if len(md) != 1 || md[0].Path != iamserver.OAuthMetadataPath+"/tenants/acme" {
		t.Fatalf("one plan (one phase, 5 ephemeral tokens and a data source) fetched metadata %d times: %+v", len(md), md)
	}
	for _, r := range srv.TokenRequests() {
		if r.Status != 200 || r.AuthMethod != iamserver.MethodSecretPost || r.Header.Get("X-Version") != "" {
			t.Errorf("token request %s: status %d, method %q, X-Version %q; want 200 with client_secret_post and no X-Version",
				r.Path, r.Status, r.AuthMethod, r.Header.Get("X-Version"))
		}
	}
	if n := len(srv.TokenRequests()); n != 2 {
		t.Errorf("%d token requests; want 2 (configure's default scopes, graph:read)", n)
	}
}

// Ory Hydra's issuer ends in "/" and it serves only OpenID Connect
// Discovery's document: RFC 8414's URL answers 404, and the provider goes
// on to the second.
func TestCLIIssuerOIDCOnlyWithTrailingSlash(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{TrailingSlash: true, OIDCOnly: true}})
	c := newCLIDir(t, issuerBlock(srv.Issuer(), `api_version = ""`)+"data \"workiva_token\" \"d\" {}\n")
	if out, err := flatRun(c, nil, "plan", "-input=false"); err != nil {
		t.Fatalf("plan: %s", out)
	}
	var paths []string
	for _, r := range srv.MetadataRequests() {
		paths = append(paths, fmt.Sprintf("%s %d", r.Path, r.Status))
	}
	want := []string{iamserver.OAuthMetadataPath + " 404", iamserver.OIDCMetadataPath + " 200"}
	if strings.Join(paths, ", ") != strings.Join(want, ", ") {
		t.Fatalf("metadata requests %v; want %v", paths, want)
	}
}

// A document that states another issuer is not used (RFC 8414 3.3):
// nothing reaches a token endpoint, and the error shows both issuers.
func TestCLIIssuerMismatchSendsNothing(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{StatedIssuer: "https://idp.example.com/other"}})
	c := newCLIDir(t, issuerBlock(srv.Issuer())+"data \"workiva_token\" \"d\" {}\n")
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil {
		t.Fatalf("plan succeeded:\n%s", out)
	}
	for _, w := range []string{"Issuer discovery failed: issuer mismatch", srv.Issuer(), `states the issuer "https://idp.example.com/other"`, "RFC 8414 section 3.3"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if n := len(srv.TokenRequests()); n != 0 {
		t.Errorf("%d token requests after an issuer mismatch; want none", n)
	}
}

// A server that lists only a method the grant's credential cannot use is
// told so before anything is sent.
func TestCLIIssuerNoMethodInCommon(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{AuthMethods: []string{"private_key_jwt", "tls_client_auth"}}})
	c := newCLIDir(t, issuerBlock(srv.Issuer())+"data \"workiva_token\" \"d\" {}\n")
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil {
		t.Fatalf("plan succeeded:\n%s", out)
	}
	for _, w := range []string{"No authentication method in common", `"private_key_jwt tls_client_auth"`, "client_secret_basic, client_secret_post or client_secret_jwt"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if n := len(srv.TokenRequests()); n != 0 {
		t.Errorf("%d token requests; want none", n)
	}
}

// issuer names the server instead of token_url and region: both together
// are an error at validate, which sends nothing.
func TestCLIIssuerConflicts(t *testing.T) {
	for name, extra := range map[string]string{"token_url": `token_url = "https://idp.example.com/token"`, "region": `region = "eu"`} {
		c := newCLIDir(t, issuerBlock("https://idp.example.com", extra)+"data \"workiva_token\" \"d\" {}\n")
		out, err := flatRun(c, nil, "validate")
		if err == nil || !strings.Contains(out, "Invalid Attribute Combination") || !strings.Contains(out, name) {
			t.Errorf("validate with issuer and %s:\n%s", name, out)
		}
	}
	// Both environment variables: neither can win.
	c := newCLIDir(t, "provider \"workiva\" {}\ndata \"workiva_token\" \"d\" {}\n")
	out, err := flatRun(c, []string{"WORKIVA_CLIENT_ID=x", "WORKIVA_CLIENT_SECRET=y", "WORKIVA_ISSUER=https://idp.example.com",
		"WORKIVA_TOKEN_URL=https://idp.example.com/token"}, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "Conflicting endpoint settings") {
		t.Errorf("plan with WORKIVA_ISSUER and WORKIVA_TOKEN_URL:\n%s", out)
	}
}

// revoke_on_close: each phase's token is revoked once, when its last
// holder closes (two ephemeral tokens share it, one asks), and the
// protected API refuses it afterwards.
func TestCLIRevokeOnClose(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{}})
	config := issuerBlock(srv.Issuer()) + `
ephemeral "workiva_token" "a" {
  scopes          = ["graph:read"]
  revoke_on_close = true
}
ephemeral "workiva_token" "b" {
  scopes = ["graph:read"]
}
locals {
  used = length(ephemeral.workiva_token.a.access_token) + length(ephemeral.workiva_token.b.access_token)
}
`
	c := newCLIDir(t, config)
	if out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %s", out)
	}
	var graph []string
	for _, r := range srv.TokenRequests() {
		if r.Form.Get("scope") == "graph:read" {
			graph = append(graph, r.Form.Get("scope"))
		}
	}
	revoked := srv.Revoked()
	if len(graph) == 0 || len(revoked) != len(graph) || len(srv.RevokeRequests()) != len(graph) {
		t.Fatalf("%d graph:read tokens issued (one per phase), %d revoked in %d requests; want each revoked once",
			len(graph), len(revoked), len(srv.RevokeRequests()))
	}
	for _, r := range srv.RevokeRequests() {
		if r.Form.Get("token_type_hint") != "access_token" || r.AuthMethod != iamserver.MethodSecretBasic {
			t.Errorf("revocation request: hint %q, method %q", r.Form.Get("token_type_hint"), r.AuthMethod)
		}
	}
	for _, tok := range revoked {
		req, err := http.NewRequest(http.MethodGet, srv.ProtectedURL(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the protected API answered %d to a revoked token; want 401", resp.StatusCode)
		}
	}
}

// An Open that fails after its token was issued (require_scopes, a grant
// narrowed by the server) hands nothing over, so Terraform will not close
// it: its hold is released there, and with revoke_on_close the token is
// revoked at once.
func TestCLIRevokeOnCloseWhenOpenFails(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{}})
	c := newCLIDir(t, issuerBlock(srv.Issuer())+`
ephemeral "workiva_token" "e" {
  scopes          = ["graph:read", "task:write"]
  require_scopes  = true
  revoke_on_close = true
}
locals {
  used = length(ephemeral.workiva_token.e.access_token)
}
`)
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "task:write") {
		t.Fatalf("plan: want require_scopes to fail:\n%s", out)
	}
	if n := len(srv.RevokeRequests()); n != 1 {
		t.Errorf("%d revocation requests; want the one for the token Open did not hand over", n)
	}
}

// A token a data source handed over lives in state: it is not revoked,
// and the ephemeral resource that asked says so.
func TestCLIRevokeOnCloseSkipsATokenInState(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{}})
	c := newCLIDir(t, issuerBlock(srv.Issuer())+`
data "workiva_token" "d" {
  scopes = ["graph:read"]
}
ephemeral "workiva_token" "e" {
  scopes          = ["graph:read"]
  revoke_on_close = true
  depends_on      = [data.workiva_token.d]
}
locals {
  used = length(ephemeral.workiva_token.e.access_token)
}
`)
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err != nil {
		t.Fatalf("plan: %s", out)
	}
	if !strings.Contains(out, "Token not revoked") || !strings.Contains(out, "stored in the state") {
		t.Errorf("plan output lacks the warning:\n%s", out)
	}
	if n := len(srv.RevokeRequests()); n != 0 {
		t.Errorf("%d revocation requests for a token in state", n)
	}
}

// revoke_on_close with no revocation endpoint is an error at plan that
// says what to set; a failed revocation is a warning with what the server
// answered.
func TestCLIRevokeOnCloseWithoutEndpointAndFailing(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	eph := "ephemeral \"workiva_token\" \"e\" {\n  scopes = [\"graph:read\"]\n  revoke_on_close = true\n}\nlocals {\n  used = length(ephemeral.workiva_token.e.access_token)\n}\n"
	c := newCLIDir(t, providerBlock(srv)+eph)
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "No revocation endpoint") || !strings.Contains(out, "revocation_url") {
		t.Fatalf("plan without a revocation endpoint:\n%s", out)
	}
	for _, r := range srv.TokenRequests() {
		if r.Form.Get("scope") == "graph:read" {
			t.Errorf("a graph:read token was requested for a resource that cannot be revoked")
		}
	}

	c = newCLIDir(t, providerBlock(srv, fmt.Sprintf("revocation_url = %q", srv.URL()+"/no/such/revoke"))+eph)
	out, err = flatRun(c, nil, "plan", "-input=false")
	if err != nil {
		t.Fatalf("plan: %s", out)
	}
	for _, w := range []string{"Warning: Token not revoked", "/no/such/revoke", "HTTP status: 404"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// auto at a server that lists one secret method is that method: the
// server sees no refused attempt (auto would send the header first).
func TestCLIIssuerAutoNarrowsToTheListedMethod(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{AuthMethods: []string{iamserver.MethodSecretPost}}})
	c := newCLIDir(t, issuerBlock(srv.Issuer(), `auth_style = "auto"`)+"data \"workiva_token\" \"d\" {}\n")
	if out, err := flatRun(c, nil, "plan", "-input=false"); err != nil {
		t.Fatalf("plan: %s", out)
	}
	reqs := srv.TokenRequests()
	if len(reqs) != 1 || reqs[0].Status != 200 || reqs[0].AuthMethod != iamserver.MethodSecretPost {
		t.Fatalf("token requests %+v; want one, client_secret_post, 200", reqs)
	}
}

// The third review's eighth finding: Ory Hydra lists client_secret_post and
// client_secret_basic for the whole server, and a client registered for
// the body was sent the header, refused, and stopped. With no auth_style, a
// secret at a server that lists both is sent as auto sends it: the header
// once, refused, then the body, which is kept for the rest of the phase
// (one refused attempt however many scope sets).
func TestCLIIssuerBothSecretMethodsListed(t *testing.T) {
	srv := iam(t, iamserver.Options{Discovery: &iamserver.Discovery{AuthMethods: []string{iamserver.MethodSecretBasic, iamserver.MethodSecretPost}},
		Clients: []iamserver.Client{{ID: "hydra-post-client", Secret: "hydra-post-secret-0123456789", Scopes: []string{"file:read", "graph:read"},
			SecretMethods: []string{iamserver.MethodSecretPost}}}})
	c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id     = \"hydra-post-client\"\n  client_secret = \"hydra-post-secret-0123456789\"\n  issuer        = %q\n}\n",
		srv.Issuer())+consumers(3, "")+"data \"workiva_token\" \"d\" {\n  scopes = [\"file:read\"]\n}\n")
	if out, err := flatRun(c, nil, "plan", "-input=false"); err != nil {
		t.Fatalf("plan: %s", out)
	}
	var refused, body int
	for _, r := range srv.TokenRequests() {
		switch {
		case r.Status == 401 && strings.HasPrefix(r.Header.Get("Authorization"), "Basic "):
			refused++
		case r.Status == 200 && r.AuthMethod == iamserver.MethodSecretPost:
			body++
		default:
			t.Errorf("token request: status %d, method %q", r.Status, r.AuthMethod)
		}
	}
	if refused != 1 || body < 2 {
		t.Errorf("%d refused header attempts and %d accepted body requests; want 1 refused, then the body for every scope set", refused, body)
	}
}
