package provider_test

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// Every way the token endpoint can fail, through the CLI: each gives one
// diagnostic that says what happened, what the server said and what to
// check, and none of them prints the secret (the tokenclient tests assert
// the error texts; TestCLISecretsStayOut the logs).
func TestProviderServerFailures(t *testing.T) {
	cases := []struct {
		name   string
		faults []iamserver.Fault
		extra  []string
		want   []string // the summary's end, then details in order
	}{
		{
			name:   "unsupported_grant_type",
			faults: []iamserver.Fault{{Status: 400, Body: `{"error":"unsupported_grant_type","error_description":"only authorization_code is enabled"}`}},
			want:   []string{"HTTP 400 unsupported_grant_type", "Server description: only authorization_code is enabled", "does not accept the grant"},
		},
		{
			name:   "HTML 502 page",
			faults: []iamserver.Fault{{Status: 502, ContentType: "text/html", Body: "<html><head><title>502 Bad Gateway</title></head></html>"}},
			extra:  []string{"max_retries = 0"},
			want:   []string{"HTTP 502", "Content type: text/html", "Body begins: <html><head><title>502 Bad Gateway"},
		},
		{
			name:   "200 without access_token",
			faults: []iamserver.Fault{{Status: 200, Body: `{"token_type":"Bearer","expires_in":599}`}},
			want:   []string{"unusable token response", "missing access_token", "not an RFC 6749 token response"},
		},
		{
			name:   "non-numeric expires_in",
			faults: []iamserver.Fault{{Status: 200, Body: `{"access_token":"tok-nonnumeric","token_type":"Bearer","expires_in":"ten minutes"}`}},
			want:   []string{"unusable token response", "cannot parse json", "ten minutes"},
		},
		{
			name:   "negative expires_in",
			faults: []iamserver.Fault{{Status: 200, Body: `{"access_token":"tok-negative","token_type":"Bearer","expires_in":-5}`}},
			want:   []string{"unusable token response", "expires_in -5"},
		},
		{
			name:   "503 burst beyond max_retries",
			faults: []iamserver.Fault{{Status: 503}, {Status: 503}, {Status: 503}},
			extra:  []string{"max_retries = 1"},
			want:   []string{"HTTP 503 temporarily_unavailable", "retries were exhausted"},
		},
		{
			name:   "server that never answers",
			faults: []iamserver.Fault{{Delay: 10 * time.Second}},
			extra:  []string{`request_timeout = "300ms"`, "max_retries = 0"},
			want:   []string{"no answer in time", "no answer within the request timeout", "raise request_timeout"},
		},
		{
			name:   "redirect",
			faults: []iamserver.Fault{{Status: 307, Body: " ", ContentType: "text/plain", Header: http.Header{"Location": {"https://login.example.com/oauth2/token"}}}},
			want:   []string{"HTTP 307", "Redirect location (not followed): https://login.example.com/oauth2/token", "never follow redirects"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := iam(t, iamserver.Options{})
			srv.Script(tc.faults...)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config: providerBlock(srv, tc.extra...) + "data \"workiva_token\" \"t\" {}\n",
					// The summary line, then the URL, then the details.
					ExpectError: regexp.MustCompile(inOrder(append([]string{"Authentication failed: " + tc.want[0], srv.TokenURL()}, tc.want[1:]...)...)),
				}},
			})
		})
	}
}

// inOrder matches each phrase, across line breaks, in order.
func inOrder(phrases ...string) string {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = words(p)
	}
	return "(?s)" + strings.Join(parts, ".*")
}

func TestProviderConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/oauth2/token"
	_ = ln.Close()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      providerBlockAt(url, "max_retries = 1") + "data \"workiva_token\" \"t\" {}\n",
			ExpectError: regexp.MustCompile(inOrder("Authentication failed: could not connect", "connection refused", "reachable from this machine")),
		}},
	})
}

// A 429 (with Retry-After) and a 500 are retried; the run succeeds.
func TestProviderRetriesThenSucceeds(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Status: 429, RetryAfter: "1"}, iamserver.Fault{Status: 500})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv, `scopes = ["file:read"]`) + "data \"workiva_token\" \"t\" {}\n",
			ConfigStateChecks: tokenChecks("file:read", "file:read"),
		}},
	})
	reqs := srv.TokenRequests()
	if len(reqs) < 3 || reqs[0].Status != 429 || reqs[1].Status != 500 || reqs[2].Status != 200 {
		t.Fatalf("requests: %+v", reqs)
	}
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 950*time.Millisecond {
		t.Errorf("retried %s after Retry-After: 1", gap)
	}
}

// A response without expires_in: expires_in and expires_at are null.
func TestDataSourceNoExpiresIn(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	// Configure consumes the first answer; the data source asks for other
	// scopes, so it gets the second.
	srv.Script(iamserver.Fault{}, iamserver.Fault{Status: 200, Body: `{"access_token":"tok-forever","token_type":"bearer","scope":"graph:read"}`})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv, `scopes = ["file:read"]`) + "data \"workiva_token\" \"t\" {\n  scopes = [\"graph:read\"]\n}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				attr("data.workiva_token.t", "access_token", knownvalue.StringExact("tok-forever")),
				attr("data.workiva_token.t", "token_type", knownvalue.StringExact("bearer")),
				attr("data.workiva_token.t", "expires_in", knownvalue.Null()),
				attr("data.workiva_token.t", "expires_at", knownvalue.Null()),
			},
		}},
	})
}

func TestDataSourceRequireScopes(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + `
data "workiva_token" "t" {
  scopes         = ["file:read", "file:write", "task:write"]
  require_scopes = true
}
`,
				ExpectError: regexp.MustCompile(`(?s)Token granted without required scopes.*granted "file:read".*file:write,\s+task:write`),
			},
			{
				Config: providerBlock(srv) + `
data "workiva_token" "t" {
  scopes = ["file:read", "file:write"]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					attr("data.workiva_token.t", "scope", knownvalue.StringExact("file:read")),
					attr("data.workiva_token.t", "require_scopes", knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestProviderPrivateCA(t *testing.T) {
	srv := iam(t, iamserver.Options{TLS: true})
	config := func(caLine string) string {
		return providerBlock(srv, "max_retries = 0", caLine) + "data \"workiva_token\" \"t\" {\n  scopes = [\"file:read\"]\n}\n"
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config:      config(""),
				ExpectError: regexp.MustCompile(`(?s)Authentication failed.*certificate.*ca_cert_pem`),
			},
			{
				Config:      config(`ca_cert_pem = "not a certificate"`),
				ExpectError: regexp.MustCompile(`(?s)ca_cert_pem.*no usable certificate`),
			},
			{
				Config:            config(fmt.Sprintf("ca_cert_pem = %q", srv.CertPEM())),
				ConfigStateChecks: tokenChecks("file:read", "file:read"),
			},
		},
	})
}
