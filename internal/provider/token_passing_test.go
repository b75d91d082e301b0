package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// The passing-tokens guide's examples, applied as a user would (the
// example's own files, its provider block pointed at the local server by
// an override file, the credentials from the environment), and the local
// server's protected API shows that the token reached it and worked.

// httpVersion is the hashicorp/http build the Go module proxy serves (the
// benchmark's too).
const httpVersion = "v1.2.0"

var httpBuild onceBuilt

// httpProvider builds hashicorp/http from its module source once (cached
// beside the OpenTofu build) and returns the directory holding it.
func httpProvider(t *testing.T) string {
	t.Helper()
	return httpBuild.get(t, func() (string, error) {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		dir := filepath.Join(cache, "terraform-provider-workiva", "http", httpVersion)
		if _, err := os.Stat(filepath.Join(dir, "terraform-provider-http")); err == nil {
			return dir, nil
		}
		cmd := exec.Command("go", "install", "github.com/terraform-providers/terraform-provider-http@"+httpVersion)
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go install hashicorp/http %s: %w\n%s", httpVersion, err, out)
		}
		return dir, nil
	})
}

// exampleDir is a working directory holding the example's files, an
// override file that points its provider at srv, and a CLI configuration
// whose dev_overrides serve the built provider (and others, by source
// address) under both Terraform's and OpenTofu's registry hosts.
func exampleDir(t *testing.T, example string, srv *iamserver.Server, others map[string]string) *cliDir {
	t.Helper()
	c := newCLIDir(t, "")
	text, err := os.ReadFile(filepath.Join("..", "..", "examples", "guides", "passing-tokens", example, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	overrides := map[string]string{"clientcreds/workiva": builtProvider(t)}
	for k, v := range others {
		overrides[k] = v
	}
	var rc strings.Builder
	rc.WriteString("provider_installation {\n  dev_overrides {\n")
	for source, dir := range overrides {
		for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
			fmt.Fprintf(&rc, "    %q = %q\n", host+"/"+source, dir)
		}
	}
	rc.WriteString("  }\n  direct {}\n}\n")
	for name, body := range map[string]string{
		"main.tf":     string(text),
		"override.tf": fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n}\n", srv.TokenURL()),
		"terraformrc": rc.String(),
	} {
		if err := os.WriteFile(filepath.Join(c.dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c.env = append(c.env, "WORKIVA_CLIENT_ID="+testClientID, "WORKIVA_CLIENT_SECRET="+testSecret)
	return c
}

// checkProtectedCalls checks that the protected API answered n calls, each
// 200 for the test client.
func checkProtectedCalls(t *testing.T, srv *iamserver.Server, n int) {
	t.Helper()
	var calls []iamserver.Request
	for _, r := range srv.Requests() {
		if r.Path == iamserver.ProtectedPath {
			calls = append(calls, r)
		}
	}
	if len(calls) != n {
		t.Fatalf("the protected API got %d calls; want %d", len(calls), n)
	}
	for _, r := range calls {
		if r.Status != 200 || r.ClientID != testClientID {
			t.Errorf("protected API call: status %d, client %q", r.Status, r.ClientID)
		}
	}
}

// The provisioner example: the ephemeral token reaches curl through the
// environment, and the call works.
func TestCLIPassingTokensProvisionerExample(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed; .ci/run installs it")
	}
	srv := iam(t, iamserver.Options{})
	c := exampleDir(t, ".", srv, nil)
	if out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false", "-var", "files_url="+srv.ProtectedURL()); err != nil {
		t.Fatalf("apply: %s", out)
	}
	checkProtectedCalls(t, srv, 1)
}

// The data-source example with hashicorp/http: the token from state reaches
// the request header, and the call works (v1.2.0 fails the read on any
// status but 200).
func TestCLIPassingTokensHTTPDataSourceExample(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	c := exampleDir(t, "http-data-source", srv, map[string]string{"hashicorp/http": httpProvider(t)})
	if out, err := flatRun(c, nil, "plan", "-input=false", "-var", "files_url="+srv.ProtectedURL()); err != nil {
		t.Fatalf("plan: %s", out)
	}
	checkProtectedCalls(t, srv, 1)
}
