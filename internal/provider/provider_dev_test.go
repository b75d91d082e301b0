package provider_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A new user's first hour: `make dev` (scripts/dev.sh) builds the
// provider, starts the local IAM server with a demo client for each
// authentication method and prints three commands; run as printed, from
// the checkout, they plan examples/dev and every grant gets its token,
// with the CLI under test (Terraform in `make test`, OpenTofu in
// `make testacc-tofu`). `make dev-stop` stops the server.
func TestCLIMakeDev(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dev := t.TempDir()
	env := append(os.Environ(), "DEV_DIR="+dev, "CLI="+terraformBinary(t))
	stop := func() {
		cmd := exec.Command("bash", "scripts/dev.sh", "stop")
		cmd.Dir, cmd.Env = root, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("dev.sh stop: %v\n%s", err, out)
		}
	}
	t.Cleanup(stop)

	cmd := exec.Command("bash", "scripts/dev.sh")
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make dev: %v\n%s", err, out)
	}
	var commands []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "source ") || len(commands) > 0 && len(commands) < 3 {
			commands = append(commands, line)
		}
	}
	if len(commands) != 3 {
		t.Fatalf("make dev printed no three commands:\n%s", out)
	}
	t.Logf("printed: %q", commands)

	envFile, err := os.ReadFile(filepath.Join(dev, "env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(envFile)), "\n") {
		if !strings.HasPrefix(line, "export ") && !strings.HasPrefix(line, "#") {
			t.Errorf("the env file has a line that sourcing would not export: %q", line)
		}
	}

	// The commands as printed, in a shell started in the checkout with a
	// clean environment (no WORKIVA_* of the test's own).
	run := exec.Command("bash", "-c", strings.Join(commands, " && "))
	run.Dir = root
	run.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	plan, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(commands, "; "), err, plan)
	}
	for _, scope := range []string{`"file:read graph:read"`, `"file:write"`, `"graph:read"`, `"file:read task:read"`, `"organization:read"`} {
		if !strings.Contains(string(plan), scope) {
			t.Errorf("the plan lacks the granted scope %s:\n%s", scope, plan)
		}
	}

	pidText, err := os.ReadFile(filepath.Join(dev, "localiam.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("the local IAM server (pid %d) still runs after make dev-stop", pid)
	}
}
