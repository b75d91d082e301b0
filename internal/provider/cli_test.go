package provider_test

// Tests that run the Terraform CLI on the built provider binary, wired in
// with dev_overrides, the way a user runs a development build. They cover
// what terraform-plugin-testing cannot see: warnings, log files, the state
// and saved plan files.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

// onceBuilt is a provider binary built once per test run: the directory
// holding it, or why it could not be built.
type onceBuilt struct {
	once sync.Once
	dir  string
	err  error
}

// get builds with build the first time, and returns its directory.
func (b *onceBuilt) get(t *testing.T, build func() (string, error)) string {
	t.Helper()
	b.once.Do(func() { b.dir, b.err = build() })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.dir
}

var providerBuild onceBuilt

// builtProvider builds the provider binary once per test run and returns
// the directory holding it.
func builtProvider(t *testing.T) string {
	t.Helper()
	return providerBuild.get(t, func() (string, error) {
		dir := filepath.Join(providertest.TmpDir(), "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-workiva"), "../..")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build: %w\n%s", err, out)
		}
		return dir, nil
	})
}

func terraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cliDir is a working directory with main.tf and a CLI configuration whose
// dev_overrides point at the built provider.
type cliDir struct {
	t   *testing.T
	dir string
	env []string
}

func newCLIDir(t *testing.T, config string) *cliDir {
	t.Helper()
	bin := builtProvider(t)
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/clientcreds/workiva", bin)
	// The full source address, so that OpenTofu (whose default registry is
	// another host) matches the same dev_overrides entry.
	header := "terraform {\n  required_providers {\n    workiva = {\n      source = \"registry.terraform.io/clientcreds/workiva\"\n    }\n  }\n}\n"
	for name, text := range map[string]string{rc: rcText, filepath.Join(dir, "main.tf"): header + config} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &cliDir{t: t, dir: dir, env: []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}}
}

// run runs terraform with args and returns its combined output.
func (c *cliDir) run(extraEnv []string, args ...string) (string, error) {
	c.t.Helper()
	cmd := exec.Command(terraformBinary(c.t), append([]string{"-chdir=" + c.dir}, args...)...)
	cmd.Env = append(append(os.Environ(), c.env...), extraEnv...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *cliDir) mustRun(extraEnv []string, args ...string) string {
	c.t.Helper()
	out, err := c.run(extraEnv, args...)
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (c *cliDir) read(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// The ephemeral token never reaches the state, the saved plan or its JSON
// rendering, and neither the secret nor any issued token reaches a TRACE
// log. The secret comes from WORKIVA_CLIENT_SECRET, as the docs advise: a
// literal in the provider block is configuration, which Terraform writes
// into saved plans. (The data source's token is in state and plan by
// design; it is checked only against the log and the CLI output.)
func TestCLISecretsStayOut(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n}\n", testClientID, srv.TokenURL())+fmt.Sprintf(`
ephemeral "workiva_token" "api" {
  scopes = ["file:read"]
}
data "workiva_token" "report" {
  scopes = ["graph:read"]
}
resource "terraform_data" "call" {
  input = data.workiva_token.report.scope
  provisioner "local-exec" {
    command = "curl -sSf -o /dev/null -H \"Authorization: Bearer $WORKIVA_TOKEN\" %s"
    environment = {
      WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token
    }
  }
}
output "scope" {
  value = data.workiva_token.report.scope
}
`, srv.ProtectedURL()))
	logFile := filepath.Join(c.dir, "trace.log")
	c.env = append(c.env, "WORKIVA_CLIENT_SECRET="+testSecret)
	logEnv := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}

	plan := c.mustRun(logEnv, "plan", "-input=false", "-no-color", "-out=tfplan")
	planJSON := c.mustRun(nil, "show", "-json", "tfplan")
	apply := c.mustRun(logEnv, "apply", "-input=false", "-no-color", "tfplan")
	state := c.read("terraform.tfstate")
	logText := c.read("trace.log")
	planFile := unzipped(t, filepath.Join(c.dir, "tfplan"))

	if len(logText) < 10000 || !strings.Contains(logText, "workiva") {
		t.Fatalf("the TRACE log looks empty (%d bytes)", len(logText))
	}
	if !strings.Contains(logText, "token issued") {
		t.Error("the TRACE log lacks the provider's own token log lines")
	}
	everywhere := map[string]string{"plan output": plan, "apply output": apply, "plan JSON": planJSON, "plan file": planFile, "state": state, "TRACE log": logText}
	for where, text := range everywhere {
		if strings.Contains(text, testSecret) {
			t.Errorf("the client secret appears in the %s", where)
		}
	}

	var ephemeralTokens, dataTokens int
	for _, is := range srv.IssuedTokens() {
		ephemeral := strings.Join(is.Scopes, " ") == "file:read"
		if ephemeral {
			ephemeralTokens++
		} else {
			dataTokens++
		}
		for where, text := range everywhere {
			if !strings.Contains(text, is.AccessToken) {
				continue
			}
			if !ephemeral && (where == "state" || strings.HasPrefix(where, "plan ")) {
				continue // the data source's token is in state and plan, as documented
			}
			t.Errorf("a token issued for %v appears in the %s", is.Scopes, where)
		}
	}
	if ephemeralTokens == 0 || dataTokens == 0 {
		t.Fatalf("expected both kinds of token to be issued, got %d ephemeral and %d data", ephemeralTokens, dataTokens)
	}
}

// A failing authentication prints neither the (wrong) secret nor anything
// else secret, in the CLI output or in a TRACE log.
func TestCLIFailureHidesSecret(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	const wrong = "wrong-secret-3d1f7a99"
	c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n  auth_style = \"auto\"\n}\ndata \"workiva_token\" \"t\" {}\n", testClientID, srv.TokenURL()))
	c.env = append(c.env, "WORKIVA_CLIENT_SECRET="+wrong)
	logFile := filepath.Join(c.dir, "trace.log")
	out, err := c.run([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("plan with a wrong secret succeeded:\n%s", out)
	}
	if !strings.Contains(out, "Authentication failed: HTTP 401 invalid_client") {
		t.Errorf("unexpected output:\n%s", out)
	}
	for where, text := range map[string]string{"output": out, "TRACE log": c.read("trace.log")} {
		if strings.Contains(text, wrong) {
			t.Errorf("the secret appears in the %s", where)
		}
	}
	// auto tries the header, then the body: both were sent, both refused.
	if n := len(srv.TokenRequests()); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}
