package workload_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock/clocktest"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

func ciServer(t *testing.T) (*iamserver.Server, *iamserver.CIIssuer) {
	t.Helper()
	issuer, err := iamserver.NewCIIssuer("https://ci.example")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{CI: &iamserver.CIFakes{Issuer: issuer, Subject: "job", RequestToken: "request-token-9c2e"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, issuer
}

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

// Formatting a source never shows its token.
func TestSourceFormatting(t *testing.T) {
	src := workload.Source{Kind: workload.Value, Value: "eyJ.secret-token.sig"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, src); strings.Contains(out, "secret-token") {
			t.Errorf("%s shows the token: %s", verb, out)
		}
	}
}

// A CI endpoint that fails for a moment is retried like a token endpoint.
func TestSourceRetries(t *testing.T) {
	srv, _ := ciServer(t)
	srv.ScriptCI(iamserver.Fault{Status: 503}, iamserver.Fault{Status: 429})
	src := workload.Source{Kind: workload.GitHubActions, Audience: "api://workiva", MaxRetries: 2,
		Getenv: env(map[string]string{workload.EnvGitHubRequestURL: srv.CIURL(workload.GitHubActions), workload.EnvGitHubRequestToken: "request-token-9c2e"})}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.CIRequests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// issued obtains a token from src in the environment vars and checks that
// it is want and that it was reported as sensitive.
func issued(t *testing.T, src workload.Source, vars map[string]string, want string) {
	t.Helper()
	issuedAs(t, src, vars, func() string { return want })
}

// issuedAs is issued with the token to expect known once it is obtained
// (the one a CI fake issued), and values besides it that must have been
// reported as sensitive (a request token).
func issuedAs(t *testing.T, src workload.Source, vars map[string]string, wantAfter func() string, reported ...string) {
	t.Helper()
	var told []string
	src.Getenv, src.Sensitive = env(vars), func(v ...string) { told = append(told, v...) }
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok != wantAfter() {
		t.Errorf("got another token than the source's")
	}
	for _, r := range append(reported, tok) {
		if !slices.Contains(told, r) {
			t.Errorf("%q was not reported as sensitive", r)
		}
	}
}

// refused obtains a token from src in the environment vars and checks
// that the error is one is says.
func refused(t *testing.T, src workload.Source, vars map[string]string, is func(error) bool) {
	t.Helper()
	if src.Clock == nil {
		src.Clock = clocktest.New()
	}
	src.Getenv = env(vars)
	_, err := src.Token(context.Background())
	if err == nil || !is(err) {
		t.Errorf("got %v (%T)", err, err)
	}
	if err != nil && strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the request token: %v", err)
	}
}

// signed is a token of the CI issuer for audience, valid from..until.
func signed(t *testing.T, issuer *iamserver.CIIssuer, audience string, from, until time.Time) string {
	t.Helper()
	tok, err := issuer.Sign("job", audience, from, until)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// The checks every source's token passes before it is sent: not empty, a
// JWS, not expired, and with the audience when one is set.
func TestChecks(t *testing.T) {
	_, issuer := ciServer(t)
	clk := clocktest.New()
	var check *workload.CheckError
	for _, tc := range []struct {
		name string
		src  workload.Source
		is   func(error) bool
	}{
		{"expired", workload.Source{Kind: workload.Value, Value: signed(t, issuer, "api://workiva", clk.Now().Add(-time.Hour), clk.Now().Add(-time.Minute))},
			func(err error) bool { return errors.As(err, &check) && check.Problem == workload.ProblemExpired }},
		{"another audience", workload.Source{Kind: workload.Value, Audience: "api://workiva",
			Value: signed(t, issuer, "api://elsewhere", clk.Now(), clk.Now().Add(time.Hour))},
			func(err error) bool {
				return errors.As(err, &check) && check.Problem == workload.ProblemAudience && check.Audiences[0] == "api://elsewhere"
			}},
		{"not a JWT", workload.Source{Kind: workload.Value, Value: "opaque-token"},
			func(err error) bool { return errors.As(err, &check) && check.Problem == workload.ProblemNotJWT }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.src.Clock = clk
			refused(t, tc.src, nil, tc.is)
		})
	}
}

// Every kind of source describes itself: a kind of its own, a name, and how
// it obtains its token; Kinds lists them in order.
func TestEverySourceDescribesItself(t *testing.T) {
	seen := map[workload.Kind]bool{}
	for i, info := range workload.Sources() {
		if info.Kind == "" || seen[info.Kind] || info.Name == "" || !strings.Contains(info.Doc, "`"+string(info.Kind)+"`") {
			t.Errorf("source %d: %+v", i, info)
		}
		seen[info.Kind] = true
		if workload.Kinds[i] != string(info.Kind) {
			t.Errorf("Kinds[%d] = %q, want %q", i, workload.Kinds[i], info.Kind)
		}
		if got, ok := workload.InfoOf(info.Kind); !ok || got.Name != info.Name {
			t.Errorf("InfoOf(%q) = %+v", info.Kind, got)
		}
	}
}
