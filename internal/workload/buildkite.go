package workload

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"os/exec"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// buildkiteAgent is the command buildkite asks for a token.
const buildkiteAgent = "buildkite-agent"

// buildkite: `buildkite-agent oidc request-token --audience <aud>`, run
// with no shell; its standard output is the token, checked like any.
type buildkite struct{}

func (buildkite) Info() Info {
	return Info{NewPerRequest: true, Kind: Buildkite, Name: "Buildkite",
		Doc: "`buildkite` runs `" + buildkiteAgent + " oidc request-token --audience <audience>` (no shell) and takes its output",
		FetchHint: "Check that the step runs on a Buildkite agent with " + buildkiteAgent + " on PATH, and that the pipeline may " +
			"request OIDC tokens.",
		Detect:  func(getenv func(string) string) bool { return isTrue(getenv, "BUILDKITE") },
		Markers: "BUILDKITE=true",
	}
}

func (buildkite) obtain(ctx context.Context, s Source) (string, error) {
	args := []string{"oidc", "request-token"}
	if s.Audience != "" {
		args = append(args, "--audience", s.Audience)
	}
	return s.run(ctx, buildkiteAgent, args...)
}

// run runs a command (found on PATH, with no shell) and returns what it
// wrote to standard output, at most maxAnswer bytes, within the source's
// timeout.
func (s Source) run(ctx context.Context, name string, args ...string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", &CommandError{Kind: s.Kind, Command: name, Missing: true, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(s.Timeout, 30*time.Second))
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...) //nolint:gosec // a fixed command with fixed arguments and the audience
	cmd.Stdout, cmd.Stderr = &limited{w: &stdout, n: maxAnswer}, &limited{w: &stderr, n: maxAnswer}
	if err := cmd.Run(); err != nil {
		e := &CommandError{Kind: s.Kind, Command: name, ExitCode: -1, Stderr: redact.UntrustedBytes(stderr.Bytes()), Err: err}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			e.ExitCode = exit.ExitCode()
		}
		return "", e
	}
	return stdout.String(), nil
}

// limited writes at most n bytes to w and discards the rest.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if keep := min(len(p), l.n); keep > 0 {
		_, _ = l.w.Write(p[:keep])
		l.n -= keep
	}
	return len(p), nil
}
