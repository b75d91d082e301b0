// Package providertest is what the tests of the provider through Terraform
// share: the provider module's own (internal/provider) and the interop
// module's (interop/, whose OAuth2 servers no one here wrote): a safe
// TestMain, the provider factories, a local IAM server with the test
// client, and the checks they all use. It is for tests only.
package providertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

// The test client of IAM.
const (
	ClientID = "tf-integration"
	Secret   = "tf-secret-5f2b9c0e-never-printed" //nolint:gosec // a test credential
)

// tmpDir is a directory for the whole test run (Main).
var tmpDir string

// TmpDir is a directory for the whole test run, removed at its end.
func TmpDir() string { return tmpDir }

// Main runs a package's tests safely on machines without network: it
// points the Terraform CLI at an empty configuration file
// (TF_CLI_CONFIG_FILE may name a file that does not exist), disables
// checkpoint calls, and fails at once when no Terraform binary is usable
// instead of letting terraform-plugin-testing try to download one. The
// WORKIVA_* variables the run started with are cleared (so that only the
// real-API tests see them) and put into saved, when it is not nil.
func Main(m *testing.M, saved map[string]string) int {
	dir, err := os.MkdirTemp("", "workiva-provider-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	tmpDir = dir
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte("# empty: tests use reattached in-process providers\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env := map[string]string{"TF_CLI_CONFIG_FILE": cliConfig, "CHECKPOINT_DISABLE": "1"}
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		// The namespace Terraform implies for "workiva"; OpenTofu refuses the
		// legacy namespace the testing framework otherwise reattaches under.
		env["TF_ACC_PROVIDER_NAMESPACE"] = "hashicorp"
	}
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	_ = os.Unsetenv("TF_ACC_TERRAFORM_VERSION") // would download Terraform
	for _, v := range []string{provider.EnvClientID, provider.EnvClientSecret, provider.EnvRegion, provider.EnvTokenURL, provider.EnvIssuer} {
		if saved != nil {
			saved[v] = os.Getenv(v) // for the real-API tests
		}
		_ = os.Unsetenv(v) // the others set what they need
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // the CLI the person running the tests names
			fmt.Fprintf(os.Stderr, "TF_ACC_TERRAFORM_PATH=%s is not usable: %v\n", p, err)
			return 1
		}
	} else if _, err := exec.LookPath("terraform"); err != nil {
		fmt.Fprintln(os.Stderr, "The acceptance tests run the Terraform CLI (1.10 or later) and none was found: "+
			"put terraform on PATH or set TF_ACC_TERRAFORM_PATH to its binary "+
			"(https://developer.hashicorp.com/terraform/install). The tests never download one.")
		return 1
	}
	return m.Run()
}

// IAM starts a local IAM server with the test client and stops it when the
// test ends.
func IAM(t testing.TB, opts iamserver.Options) *iamserver.Server {
	t.Helper()
	opts.Clients = append(opts.Clients, iamserver.Client{ID: ClientID, Secret: Secret, Scopes: []string{"file:read", "graph:read"}})
	srv, err := iamserver.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// Factories are the provider, in process, and the echo provider that
// copies an ephemeral value into state for checks.
func Factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"workiva": providerserver.NewProtocol6WithError(provider.New("test")()),
		"echo":    echoprovider.NewProviderServer(),
	}
}

// EphemeralVersionChecks skip a test below Terraform 1.10, which has no
// ephemeral resources.
func EphemeralVersionChecks() []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}
}

// UnitTest runs steps through the CLI against the in-process provider.
func UnitTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: Factories(), TerraformVersionChecks: EphemeralVersionChecks(), Steps: steps})
}

// Attr checks attribute name of the resource or data source at addr.
func Attr(addr, name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), v)
}

// Words matches the words of s in order, across the line breaks Terraform
// puts into diagnostics.
func Words(s string) string {
	f := strings.Fields(s)
	for i := range f {
		f[i] = regexp.QuoteMeta(f[i])
	}
	return strings.Join(f, `\s+`)
}
