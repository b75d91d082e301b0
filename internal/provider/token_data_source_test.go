package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

var (
	rfc3339UTC  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	issuedToken = regexp.MustCompile(`^wk_[A-Za-z0-9_-]{43}$`)
)

func attr(addr, name string, v knownvalue.Check) statecheck.StateCheck {
	return providertest.Attr(addr, name, v)
}

// tokenChecks checks the token attributes of data.workiva_token.t.
func tokenChecks(scope string, granted ...string) []statecheck.StateCheck {
	const addr = "data.workiva_token.t"
	g := make([]knownvalue.Check, len(granted))
	for i, s := range granted {
		g[i] = knownvalue.StringExact(s)
	}
	return []statecheck.StateCheck{
		attr(addr, "access_token", knownvalue.StringRegexp(issuedToken)),
		attr(addr, "token_type", knownvalue.StringExact("Bearer")),
		attr(addr, "scope", knownvalue.StringExact(scope)),
		attr(addr, "granted_scopes", knownvalue.SetExact(g)),
		attr(addr, "expires_in", knownvalue.Int64Exact(599)),
		attr(addr, "expires_at", knownvalue.StringRegexp(rfc3339UTC)),
	}
}

func TestDataSourceAuthStyles(t *testing.T) {
	for _, style := range []string{"header", "body", "auto"} {
		t.Run(style, func(t *testing.T) {
			srv := iam(t, iamserver.Options{})
			config := providerBlock(srv, fmt.Sprintf("auth_style = %q", style)) + `
data "workiva_token" "t" {
  scopes = ["file:read"]
}
`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config: config,
					ConfigStateChecks: append(tokenChecks("file:read", "file:read"),
						attr("data.workiva_token.t", "scopes", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("file:read")}))),
				}},
			})
			reqs := srv.TokenRequests()
			if len(reqs) == 0 {
				t.Fatal("no token requests")
			}
			for _, r := range reqs {
				basic := strings.HasPrefix(r.Header.Get("Authorization"), "Basic ")
				body := r.Form.Get("client_secret") != ""
				if (style == "body") != body || (style == "body") == basic {
					t.Errorf("auth_style %s sent Basic=%v body=%v", style, basic, body)
				}
				if r.Header.Get("X-Version") != "2026-01-01" {
					t.Errorf("X-Version %q", r.Header.Get("X-Version"))
				}
			}
		})
	}
}

// Everything from the environment; the provider block is empty.
func TestDataSourceEnvOnly(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	t.Setenv("WORKIVA_CLIENT_ID", testClientID)
	t.Setenv("WORKIVA_CLIENT_SECRET", testSecret)
	t.Setenv("WORKIVA_TOKEN_URL", srv.TokenURL())
	t.Setenv("WORKIVA_REGION", "eu") // token_url wins
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: `
provider "workiva" {}
data "workiva_token" "t" {}
`,
			// No scopes requested: the grant's scopes.
			ConfigStateChecks: append(tokenChecks("file:read graph:read", "file:read", "graph:read"),
				attr("data.workiva_token.t", "scopes", knownvalue.SetSizeExact(0))),
		}},
	})
}

// Configuration wins over the environment.
func TestDataSourceConfigWinsOverEnv(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	t.Setenv("WORKIVA_CLIENT_ID", "someone-else")
	t.Setenv("WORKIVA_CLIENT_SECRET", "wrong")
	t.Setenv("WORKIVA_TOKEN_URL", "https://iam.invalid/oauth2/token")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv, `scopes = ["graph:read"]`) + "data \"workiva_token\" \"t\" {}\n",
			ConfigStateChecks: tokenChecks("graph:read", "graph:read"),
		}},
	})
}

// The server narrows the requested scopes to the grant's; scope reports what
// was granted and scopes what was asked.
func TestDataSourceScopeNarrowing(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "workiva_token" "t" {
  scopes = ["file:read", "file:write"]
}
`,
			ConfigStateChecks: append(tokenChecks("file:read", "file:read"),
				attr("data.workiva_token.t", "scopes", knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("file:read"), knownvalue.StringExact("file:write"),
				}))),
		}},
	})
}

// expires_in as a JSON string, and no scope in the response (Bright
// Pattern's shape): scope falls back to the requested scope.
func TestDataSourceStringExpiresInNoScope(t *testing.T) {
	srv := iam(t, iamserver.Options{ExpiresInAsString: true, OmitScope: true})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: providerBlockAt(srv.LegacyTokenURL(), `api_version = ""`, `auth_style = "body"`) + `
data "workiva_token" "t" {
  scopes = ["graph:read", "file:read"]
}
`,
			ConfigStateChecks: tokenChecks("file:read graph:read", "file:read", "graph:read"),
		}},
	})
}

func TestDataSourceLegacyPath(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	legacy := func(apiVersion string) string {
		return providerBlockAt(srv.LegacyTokenURL(), "api_version = "+apiVersion) + "data \"workiva_token\" \"t\" {\n  scopes = [\"file:read\"]\n}\n"
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				// The legacy path does not exist in API version 2026-01-01.
				Config:      legacy(`"2026-01-01"`),
				ExpectError: regexp.MustCompile(`(?s)HTTP 404.*api_version = ""`),
			},
			{
				Config:            legacy(`""`),
				ConfigStateChecks: tokenChecks("file:read", "file:read"),
			},
		},
	})
	for _, r := range srv.TokenRequests() {
		if r.Status == 200 && r.Header.Get("X-Version") != "" {
			t.Errorf("legacy request carried X-Version %q", r.Header.Get("X-Version"))
		}
	}
}

func TestDataSourceInvalidScope(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(srv) + "data \"workiva_token\" \"t\" {\n  scopes = [\"spaceship:fly\"]\n}\n",
				ExpectError: regexp.MustCompile(`(?s)Token request failed: HTTP 400 invalid_scope.*unknown scope: spaceship:fly.*scopes of the API\s+grant`),
			},
			{
				Config:      providerBlock(srv) + "data \"workiva_token\" \"t\" {\n  scopes = [\"bad\\\\scope\"]\n}\n",
				ExpectError: regexp.MustCompile(`(?s)Invalid scope.*` + words(`is not an RFC 6749 scope token`)),
			},
		},
	})
}

// Many consumers of one scope set cost one token request per Terraform
// phase: each phase configures the provider once (one request for the
// provider's scopes), and the data sources add at most one more.
func TestDataSourceManyConsumersOneRequest(t *testing.T) {
	const consumers = 30
	srv := iam(t, iamserver.Options{Latency: 20 * 1e6})
	config := providerBlock(srv, `scopes = ["file:read"]`) + fmt.Sprintf(`
data "workiva_token" "many" {
  count  = %d
  scopes = ["graph:read"]
}
`, consumers)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				attr("data.workiva_token.many[0]", "scope", knownvalue.StringExact("graph:read")),
				attr(fmt.Sprintf("data.workiva_token.many[%d]", consumers-1), "scope", knownvalue.StringExact("graph:read")),
			},
		}},
	})
	checkOneRequestPerConfiguration(t, srv, consumers)
}
