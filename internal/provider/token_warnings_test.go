package provider_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// A token that lives less than min_validity is handed over with a warning
// that gives both durations; a min_validity it can meet gives none.
func TestCLIMinValidityWarning(t *testing.T) {
	srv := iam(t, iamserver.Options{TokenLifetime: 30 * time.Second})
	c := newCLIDir(t, providerBlock(srv)+`
data "workiva_token" "default_margin" {}
data "workiva_token" "short" {
  scopes       = ["graph:read"]
  min_validity = "10s"
}
`)
	out := c.mustRun(nil, "plan", "-input=false", "-no-color")
	if !regexp.MustCompile(`(?s)Warning: Token lifetime shorter than min_validity.*default_margin.*last 30s, and min_validity asks\s+for 1m0s`).MatchString(out) {
		t.Errorf("no warning for a 30 s token and the default min_validity:\n%s", out)
	}
	if n := regexp.MustCompile(`Token lifetime shorter than min_validity`).FindAllString(out, -1); len(n) != 1 {
		t.Errorf("%d warnings, want 1 (min_validity 10s is met):\n%s", len(n), out)
	}
}

// A token that expires while the ephemeral resource is still open makes
// Terraform call Renew, which warns when the token expires and what to do.
func TestCLITokenExpiryWarning(t *testing.T) {
	srv := iam(t, iamserver.Options{TokenLifetime: 4 * time.Second})
	c := newCLIDir(t, providerBlock(srv)+`
ephemeral "workiva_token" "api" {}
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 5"
    environment = {
      WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token
    }
  }
}
`)
	logFile := filepath.Join(c.dir, "provider.log")
	out := c.mustRun([]string{"TF_LOG_PROVIDER=WARN", "TF_LOG_PATH=" + logFile}, "apply", "-auto-approve", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	// Close reports it in Terraform's output (Terraform drops Renew's
	// diagnostics); Renew logs it.
	if !strings.Contains(flat, "Warning: Workiva token expired during this run") {
		t.Fatalf("no expiry warning in:\n%s", out)
	}
	for _, want := range []string{"may have been refused (HTTP 401)", "run terraform apply again for a fresh token", "split long runs into shorter applies"} {
		if !strings.Contains(flat, want) {
			t.Errorf("warning lacks %q", want)
		}
	}
	if log := c.read("provider.log"); !strings.Contains(log, "Workiva token expires soon") {
		t.Errorf("Renew did not log its warning")
	}
}

// Unusual but usable token responses give warnings that say what is odd.
func TestCLITokenWarnings(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	// Configure consumes the first answer; the data source asks for other
	// scopes and gets the second: no expires_in, a token type other than
	// Bearer.
	srv.Script(iamserver.Fault{}, iamserver.Fault{Status: 200, Body: `{"access_token":"tok-mac","token_type":"mac","scope":"graph:read"}`})
	c := newCLIDir(t, providerBlock(srv, `scopes = ["file:read"]`)+`
data "workiva_token" "odd" {
  scopes = ["graph:read"]
}
data "workiva_token" "narrowed" {
  scopes     = ["file:read", "task:write"]
  depends_on = [data.workiva_token.odd] # so that odd gets the scripted answer
}
`)
	out := c.mustRun(nil, "plan", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Warning: Token lifetime unknown", "carried no expires_in, so expires_at is null",
		`Warning: Token type is not Bearer`, `returned token_type "mac"`,
		"Warning: Token granted with fewer scopes than requested", "missing from the requested scopes: task:write", "Set require_scopes = true",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "tok-mac") {
		t.Error("the token appears in the plan output")
	}
}
