package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

var u = redact.UntrustedText

// Every kind of failed token request gets a summary that names it, a
// detail with the endpoint and the facts, and a hint; the hints that name
// provider attributes live here, not in tokenclient.
func TestTokenErrorDiagnostics(t *testing.T) {
	const url = "https://iam.test/oauth2/token"
	cases := []struct {
		err     tokenclient.Error
		summary string
		detail  []string
	}{
		{tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 401, Code: u("invalid_client"), Description: u("bad secret")},
			"Authentication failed: HTTP 401 invalid_client", []string{"HTTP status: 401 Unauthorized", "Server description: bad secret", "client secret", EnvClientSecret}},
		{tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 400, Code: u("invalid_scope")},
			"Authentication failed: HTTP 400 invalid_scope", []string{"Organization Admin > Security > Provisioning"}},
		{tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 404, Code: u("not_found")},
			"Authentication failed: HTTP 404 not_found", []string{`api_version "2026-01-01"`}},
		{tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 302, Location: u("https://elsewhere.test/")},
			"Authentication failed: HTTP 302", []string{"Redirect location (not followed): https://elsewhere.test/", "never follow redirects"}},
		{tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 502, ContentType: u("text/html"), Body: u("<h1>down</h1>")},
			"Authentication failed: HTTP 502", []string{"Content type: text/html", "Body begins: <h1>down</h1>", "raise max_retries"}},
		{tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 429, Code: u("temporarily_unavailable")},
			"Authentication failed: HTTP 429 temporarily_unavailable", []string{"rate limiting"}},
		{tokenclient.Error{Kind: tokenclient.KindResponse, StatusCode: 200, Cause: u("oauth2: server response missing access_token")},
			"Authentication failed: unusable token response", []string{"HTTP status: 200 OK", "missing access_token", "not an RFC 6749 token response"}},
		{tokenclient.Error{Kind: tokenclient.KindTimeout, Op: "Post", Cause: u("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")},
			"Authentication failed: no answer in time", []string{"POST " + url + " got no answer within the request timeout", "request_timeout"}},
		{tokenclient.Error{Kind: tokenclient.KindCanceled, Err: errors.New("context canceled")},
			"Authentication failed: interrupted", []string{"interrupted"}},
		{tokenclient.Error{Kind: tokenclient.KindNotSent, Err: errors.New("open /run/oidc-token: no such file or directory"), Cause: u("open /run/oidc-token: no such file or directory")},
			"Authentication failed: no client assertion", []string{"nothing was sent", "/run/oidc-token", EnvClientAssertionFile}},
		{tokenclient.Error{Kind: tokenclient.KindConnection, Op: "Post", Cause: u("dial tcp 127.0.0.1:9: connect: connection refused")},
			"Authentication failed: could not connect", []string{"connection refused", "reachable from this machine"}},
		{tokenclient.Error{Kind: tokenclient.KindConnection, UntrustedCertificate: true, Op: "Post", Cause: u("tls: failed to verify certificate: x509: certificate signed by unknown authority")},
			"Authentication failed: could not connect", []string{"not trusted", "ca_cert_pem"}},
	}
	g := &grant{clientID: "client-1", hint: grantHint{workiva: true, style: tokenclient.AuthStyleHeader, origins: origin{"client_id": EnvClientID, "client_secret": EnvClientSecret}}}
	for _, tc := range cases {
		t.Run(tc.summary, func(t *testing.T) {
			tc.err.Endpoint = url
			d := tokenErrorDiagnostic("Authentication failed", &tc.err, g, nil)
			if d.Summary() != tc.summary {
				t.Errorf("summary %q, want %q", d.Summary(), tc.summary)
			}
			detail := d.Detail()
			want := append([]string{url, `client id "client-1"`, tokenErrorHint(&tc.err, g.hint)}, tc.detail...)
			for _, w := range want {
				if !strings.Contains(detail, w) {
					t.Errorf("detail lacks %q:\n%s", w, detail)
				}
			}
			if tokenErrorHint(&tc.err, g.hint) == "" {
				t.Error("no hint")
			}
		})
	}
}

// A refused client is told about the credential it used, where that came
// from, and Workiva's grants only when the endpoint is Workiva's.
func TestHintsFitTheGrant(t *testing.T) {
	refused := &tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 401, Code: u("invalid_client")}
	for _, tc := range []struct {
		name      string
		hint      grantHint
		want, not []string
	}{
		{"grants entry", grantHint{grant: "publishing", workiva: true, origins: origin{"client_id": `client_id in grants["publishing"]`, "client_secret": `client_secret in grants["publishing"]`}},
			[]string{`client_secret in grants["publishing"]`, "Workiva API grant"}, []string{"WORKIVA_"}},
		{"environment", grantHint{workiva: true, origins: origin{"client_id": EnvClientID, "client_secret": EnvClientSecret}},
			[]string{EnvClientID, EnvClientSecret, "IP restrictions"}, nil},
		{"private_key_jwt", grantHint{style: tokenclient.AuthStylePrivateKeyJWT, workiva: true, origins: origin{"client_id": "client_id in the provider block", "client_assertion_key_pem": "client_assertion_key_pem in the provider block"}},
			[]string{"signed with the private key (client_assertion_key_pem in the provider block)", "public key", "client_assertion_alg", "client_assertion_audience"}, []string{"secret"}},
		{"client assertion", grantHint{style: tokenclient.AuthStyleClientAssertion, origins: origin{"client_id": EnvClientID, "client_assertion": "the file named by " + EnvClientAssertionFile}},
			[]string{"client assertion (the file named by WORKIVA_CLIENT_ASSERTION_FILE)", "issuer", "audience", "expired"}, []string{"secret", "Workiva"}},
		{"tls_client_auth", grantHint{style: tokenclient.AuthStyleTLSClientAuth, origins: origin{"client_id": "client_id in the provider block", "client_certificate_pem": "client_certificate_pem in the provider block"}},
			[]string{"client certificate (client_certificate_pem in the provider block)"}, []string{"secret"}},
		{"another vendor", grantHint{origins: origin{"client_id": "client_id in the provider block", "client_secret": EnvClientSecret}},
			[]string{"client_credentials grant", `"body"`}, []string{"Workiva", "Organization Admin", "IP restrictions"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hint := tokenErrorHint(refused, tc.hint)
			for _, w := range tc.want {
				if !strings.Contains(hint, w) {
					t.Errorf("hint lacks %q: %s", w, hint)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(hint, n) {
					t.Errorf("hint says %q: %s", n, hint)
				}
			}
		})
	}
	// invalid_grant and invalid_target name a workload-identity token only
	// when one was sent.
	for _, tc := range []struct {
		code      string
		hint      grantHint
		want, not string
	}{
		{"invalid_target", grantHint{grantType: tokenclient.GrantClientCredentials}, "RFC 8707", "workload-identity"},
		{"invalid_grant", grantHint{grantType: tokenclient.GrantClientCredentials}, "client_credentials grant", "workload-identity"},
		{"invalid_grant", grantHint{grantType: tokenclient.GrantTokenExchange, identity: "github_actions"}, "workload-identity token", "client_credentials"},
		{"invalid_target", grantHint{grantType: tokenclient.GrantJWTBearer, identity: "env"}, "trust relationship", "RFC 8707"},
		{"invalid_grant", grantHint{grantType: tokenclient.GrantClientCredentials, identity: "github_actions"}, `source "github_actions"`, "requested_token_type"},
	} {
		e := &tokenclient.Error{Kind: tokenclient.KindServer, StatusCode: 400, Code: u(tc.code)}
		if hint := tokenErrorHint(e, tc.hint); !strings.Contains(hint, tc.want) || strings.Contains(hint, tc.not) {
			t.Errorf("%s for %s (%q): %s", tc.code, tc.hint.grantType, tc.hint.identity, hint)
		}
	}
	generic := grantHint{}
	for _, e := range []tokenclient.Error{{Kind: tokenclient.KindServer, StatusCode: 400, Code: u("invalid_scope")}, {Kind: tokenclient.KindServer, StatusCode: 404},
		{Kind: tokenclient.KindServer, StatusCode: 403, Code: u("access_denied")}, {Kind: tokenclient.KindServer, StatusCode: 400, Code: u("invalid_request")}} {
		if hint := tokenErrorHint(&e, generic); strings.Contains(hint, "Workiva") || strings.Contains(hint, "api_version") || strings.Contains(hint, "grant's IP") {
			t.Errorf("HTTP %d %s at another vendor's endpoint: %s", e.StatusCode, knownCode(&e), hint)
		}
	}
}
