package provider_test

import (
	"fmt"
	"os/exec"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

func ephemeralVersionChecks() []tfversion.TerraformVersionCheck {
	return providertest.EphemeralVersionChecks()
}

// echoed checks an attribute of the ephemeral token copied into echo.t.
func echoed(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey(name), v)
}

func TestEphemeralToken(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   ephemeralVersionChecks(),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv, `scopes = ["file:read", "graph:read"]`) + `
ephemeral "workiva_token" "t" {}
provider "echo" {
  data = ephemeral.workiva_token.t
}
resource "echo" "t" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				echoed("access_token", knownvalue.StringRegexp(issuedToken)),
				echoed("token_type", knownvalue.StringExact("Bearer")),
				echoed("scope", knownvalue.StringExact("file:read graph:read")),
				echoed("granted_scopes", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("file:read"), knownvalue.StringExact("graph:read")})),
				echoed("scopes", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("file:read"), knownvalue.StringExact("graph:read")})),
				echoed("expires_in", knownvalue.Int64Exact(599)),
				echoed("expires_at", knownvalue.StringRegexp(rfc3339UTC)),
			},
		}},
	})
}

func TestEphemeralTokenNarrowedAndBodyAuth(t *testing.T) {
	srv := iam(t, iamserver.Options{ExpiresInAsString: true})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   ephemeralVersionChecks(),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv, `auth_style = "body"`) + `
ephemeral "workiva_token" "t" {
  scopes = ["graph:read", "task:write"]
}
provider "echo" {
  data = ephemeral.workiva_token.t
}
resource "echo" "t" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				echoed("scope", knownvalue.StringExact("graph:read")),
				echoed("expires_in", knownvalue.Int64Exact(599)),
			},
		}},
	})
}

func TestEphemeralTokenWrongSecret(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   ephemeralVersionChecks(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "workiva" {
  client_id     = %q
  client_secret = "wrong"
  token_url     = %q
  auth_style    = "auto"
}
ephemeral "workiva_token" "t" {}
`, testClientID, srv.TokenURL()),
			ExpectError: regexp.MustCompile(`(?s)Authentication failed: HTTP 401 invalid_client`),
		}},
	})
}

// callProtectedRoute is an ephemeral token for scope handed to a local-exec
// provisioner that calls the protected route with curl --fail.
func callProtectedRoute(srv *iamserver.Server, scope string) string {
	return fmt.Sprintf(`
ephemeral "workiva_token" "api" {
  scopes = [%q]
}
resource "terraform_data" "call" {
  provisioner "local-exec" {
    command = "curl -sSf -o /dev/null -H \"Authorization: Bearer $WORKIVA_TOKEN\" %s"
    environment = {
      WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token
    }
  }
}
`, scope, srv.ProtectedURL())
}

// The ephemeral token works downstream: handed to a local-exec provisioner's
// environment, it calls the protected route, which accepts it.
func TestEphemeralTokenInProvisioner(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("this test needs curl on PATH (Debian: apt-get install curl)")
	}
	srv := iam(t, iamserver.Options{})
	config := providerBlock(srv) + callProtectedRoute(srv, "file:read")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   ephemeralVersionChecks(),
		Steps:                    []resource.TestStep{{Config: config}},
	})
	var ok, refused int
	for _, r := range srv.Requests() {
		if r.Path == iamserver.ProtectedPath {
			if r.Status == 200 {
				ok++
			} else {
				refused++
			}
		}
	}
	if ok != 1 || refused != 0 {
		t.Errorf("protected route: %d accepted, %d refused; want 1 accepted", ok, refused)
	}
}

// A token without the route's scope is refused downstream: the provisioner
// fails, and so does the apply.
func TestEphemeralTokenLackingScopeIsRefused(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("this test needs curl on PATH (Debian: apt-get install curl)")
	}
	srv := iam(t, iamserver.Options{})
	config := providerBlock(srv) + callProtectedRoute(srv, "graph:read")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   ephemeralVersionChecks(),
		Steps:                    []resource.TestStep{{Config: config, ExpectError: regexp.MustCompile(`local-exec provisioner error`)}},
	})
}

func TestEphemeralManyConsumersOneRequest(t *testing.T) {
	const consumers = 30
	srv := iam(t, iamserver.Options{Latency: 20 * 1e6})
	config := providerBlock(srv, `scopes = ["file:read"]`) + fmt.Sprintf(`
ephemeral "workiva_token" "many" {
  count  = %d
  scopes = ["graph:read"]
}
provider "echo" {
  data = [for t in ephemeral.workiva_token.many : t.scope]
}
resource "echo" "t" {}
`, consumers)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   ephemeralVersionChecks(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtSliceIndex(consumers-1), knownvalue.StringExact("graph:read")),
			},
		}},
	})
	checkOneRequestPerConfiguration(t, srv, consumers)
}
