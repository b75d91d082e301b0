package workload_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// fakeAgent puts a buildkite-agent on PATH that records its arguments and
// prints out (or fails with stderr).
func fakeAgent(t *testing.T, out, stderr string, code int) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\nprintf '%s' '" + out + "'\nprintf '%s' '" + stderr + "' >&2\nexit " +
		string(rune('0'+code)) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "buildkite-agent"), []byte(script), 0o700); err != nil { //nolint:gosec // a test's fake command
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

// Buildkite: buildkite-agent oidc request-token --audience <aud>, run with
// no shell: its output is the token, checked like any; not on PATH, or
// failing, an error that says which.
func TestBuildkite(t *testing.T) {
	_, issuer := ciServer(t)
	now := time.Now()
	tok := signed(t, issuer, "api://workiva", now, now.Add(time.Hour))
	args := fakeAgent(t, tok+"\n", "", 0)
	issued(t, workload.Source{Kind: workload.Buildkite, Audience: "api://workiva"}, nil, tok)
	b, _ := os.ReadFile(args)
	if got := strings.Fields(string(b)); strings.Join(got, " ") != "oidc request-token --audience api://workiva" {
		t.Errorf("buildkite-agent was run with %q", got)
	}

	var cmdErr *workload.CommandError
	fakeAgent(t, "", "fatal: not allowed", 1)
	refused(t, workload.Source{Kind: workload.Buildkite}, nil, func(err error) bool {
		return errors.As(err, &cmdErr) && !cmdErr.Missing && cmdErr.ExitCode == 1 && cmdErr.Command == "buildkite-agent"
	})
	fakeAgent(t, "not a token", "", 0)
	var check *workload.CheckError
	refused(t, workload.Source{Kind: workload.Buildkite}, nil, func(err error) bool { return errors.As(err, &check) && check.Problem == workload.ProblemNotJWT })
	t.Setenv("PATH", t.TempDir())
	refused(t, workload.Source{Kind: workload.Buildkite}, nil, func(err error) bool { return errors.As(err, &cmdErr) && cmdErr.Missing })
}
