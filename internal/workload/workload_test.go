package workload_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
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

// Every source, as its system documents it: the token it hands out is the
// one the CI system issued, and every credential read is reported at once.
func TestSources(t *testing.T) {
	srv, issuer := ciServer(t)
	now := time.Now()
	fixed, err := issuer.Sign("job", "api://workiva", now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(fixed+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		workload.EnvGitHubRequestURL: srv.CIGitHubURL(), workload.EnvGitHubRequestToken: "request-token-9c2e",
		workload.EnvAzureRequestURI: srv.CIAzureDevOpsURL(), workload.EnvAzureAccessToken: "request-token-9c2e",
		workload.EnvGCEMetadataHost:       srv.CIGCPMetadataHost(),
		workload.EnvHCPToken + "_WORKIVA": fixed, "GITLAB_ID_TOKEN": fixed,
	}
	for _, tc := range []struct {
		src      workload.Source
		fromCI   bool
		reported []string
	}{
		{workload.Source{Kind: workload.GitHubActions, Audience: "api://workiva"}, true, []string{"request-token-9c2e"}},
		{workload.Source{Kind: workload.AzureDevOps, ServiceConnectionID: "sc-1"}, true, []string{"request-token-9c2e"}},
		{workload.Source{Kind: workload.GCPMetadata, Audience: "api://workiva"}, true, nil},
		{workload.Source{Kind: workload.HCPTerraform, Tag: "WORKIVA", Audience: "api://workiva"}, false, nil},
		{workload.Source{Kind: workload.Env, EnvVar: "GITLAB_ID_TOKEN"}, false, nil},
		{workload.Source{Kind: workload.File, File: file}, false, nil},
		{workload.Source{Kind: workload.Value, Value: fixed}, false, nil},
	} {
		t.Run(string(tc.src.Kind), func(t *testing.T) {
			var told []string
			tc.src.Getenv, tc.src.Sensitive = env(vars), func(v ...string) { told = append(told, v...) }
			tok, err := tc.src.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := fixed
			if tc.fromCI {
				issued := srv.CIIssued()
				want = issued[len(issued)-1]
			}
			if tok != want {
				t.Errorf("got another token than the source's")
			}
			if !slices.Contains(told, tok) {
				t.Error("the token was not reported as sensitive")
			}
			for _, r := range tc.reported {
				if !slices.Contains(told, r) {
					t.Errorf("%q was not reported as sensitive", r)
				}
			}
		})
	}
	// GitHub's URL keeps its own query; the audience is appended.
	for _, r := range srv.CIRequests() {
		if r.Path == iamserver.CIGitHubPath && (r.Query.Get("api-version") != "2.0" || r.Query.Get("audience") != "api://workiva") {
			t.Errorf("GitHub request query %v", r.Query)
		}
	}
}

// Formatting a source never shows its token.
func TestSourceFormatting(t *testing.T) {
	src := workload.Source{Kind: workload.Value, Value: "eyJ.secret-token.sig"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, src); strings.Contains(out, "secret-token") {
			t.Errorf("%s shows the token: %s", verb, out)
		}
	}
}

// What the environment lacks, and tokens that must not be sent, are errors
// that say which; nothing is requested without the environment.
func TestSourceErrors(t *testing.T) {
	srv, issuer := ciServer(t)
	clk := clocktest.New()
	expired, _ := issuer.Sign("job", "api://workiva", clk.Now().Add(-time.Hour), clk.Now().Add(-time.Minute))
	otherAud, _ := issuer.Sign("job", "api://elsewhere", clk.Now(), clk.Now().Add(time.Hour))
	var missing *workload.MissingError
	var check *workload.CheckError
	var fetch *workload.FetchError
	for _, tc := range []struct {
		name string
		src  workload.Source
		vars map[string]string
		is   func(error) bool
	}{
		{"github without id-token permission", workload.Source{Kind: workload.GitHubActions, Audience: "a"}, nil,
			func(err error) bool {
				return errors.As(err, &missing) && missing.Variable == workload.EnvGitHubRequestURL
			}},
		{"azure devops without the access token", workload.Source{Kind: workload.AzureDevOps, ServiceConnectionID: "sc"},
			map[string]string{workload.EnvAzureRequestURI: srv.CIAzureDevOpsURL()},
			func(err error) bool {
				return errors.As(err, &missing) && missing.Variable == workload.EnvAzureAccessToken
			}},
		{"hcp terraform without the tagged token", workload.Source{Kind: workload.HCPTerraform, Tag: "WORKIVA"}, nil,
			func(err error) bool {
				return errors.As(err, &missing) && missing.Variable == "TFC_WORKLOAD_IDENTITY_TOKEN_WORKIVA"
			}},
		{"github with a wrong request token", workload.Source{Kind: workload.GitHubActions, Audience: "a"},
			map[string]string{workload.EnvGitHubRequestURL: srv.CIGitHubURL(), workload.EnvGitHubRequestToken: "wrong"},
			func(err error) bool { return errors.As(err, &fetch) && fetch.StatusCode == 401 }},
		{"expired", workload.Source{Kind: workload.Value, Value: expired}, nil,
			func(err error) bool { return errors.As(err, &check) && check.Problem == workload.ProblemExpired }},
		{"another audience", workload.Source{Kind: workload.Value, Value: otherAud, Audience: "api://workiva"}, nil,
			func(err error) bool {
				return errors.As(err, &check) && check.Problem == workload.ProblemAudience && check.Audiences[0] == "api://elsewhere"
			}},
		{"not a JWT", workload.Source{Kind: workload.Value, Value: "opaque-token"}, nil,
			func(err error) bool { return errors.As(err, &check) && check.Problem == workload.ProblemNotJWT }},
		{"empty", workload.Source{Kind: workload.Env, EnvVar: "X"}, map[string]string{"X": " \n"},
			func(err error) bool { return errors.As(err, &check) && check.Problem == workload.ProblemEmpty }},
		{"an expired token names its variable", workload.Source{Kind: workload.Env, EnvVar: "CI_TOKEN"}, map[string]string{"CI_TOKEN": expired},
			func(err error) bool {
				return errors.As(err, &check) && check.Problem == workload.ProblemExpired && check.Variable == "CI_TOKEN"
			}},
		{"an expired HCP Terraform token names its variable", workload.Source{Kind: workload.HCPTerraform, Tag: "API"},
			map[string]string{"TFC_WORKLOAD_IDENTITY_TOKEN_API": expired},
			func(err error) bool {
				return errors.As(err, &check) && check.Variable == "TFC_WORKLOAD_IDENTITY_TOKEN_API"
			}},
		{"a missing file is a ReadError naming it", workload.Source{Kind: workload.File, File: "/nonexistent/token"}, nil,
			func(err error) bool {
				var re *workload.ReadError
				return errors.As(err, &re) && re.File == "/nonexistent/token" && errors.Is(err, fs.ErrNotExist)
			}},
		{"github over plain http to another host is not asked", workload.Source{Kind: workload.GitHubActions, Audience: "a"},
			map[string]string{workload.EnvGitHubRequestURL: "http://ci.example.test/token?api-version=2.0", workload.EnvGitHubRequestToken: "wrong"},
			func(err error) bool {
				return errors.As(err, &fetch) && fetch.Problem == workload.ProblemInsecure && fetch.Variable == workload.EnvGitHubRequestURL
			}},
		{"azure devops over plain http to another host is not asked", workload.Source{Kind: workload.AzureDevOps, ServiceConnectionID: "sc"},
			map[string]string{workload.EnvAzureRequestURI: "http://dev.azure.example.test/oidc", workload.EnvAzureAccessToken: "wrong"},
			func(err error) bool { return errors.As(err, &fetch) && fetch.Problem == workload.ProblemInsecure }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.src.Getenv, tc.src.Clock = env(tc.vars), clk
			_, err := tc.src.Token(context.Background())
			if err == nil || !tc.is(err) {
				t.Errorf("got %v (%T)", err, err)
			}
			if strings.Contains(err.Error(), "wrong") {
				t.Errorf("the error shows the request token: %v", err)
			}
		})
	}
	if n := len(srv.CIRequests()); n != 1 {
		t.Errorf("%d requests to the CI endpoints, want 1 (only the wrong request token's)", n)
	}
}

// A CI endpoint that fails for a moment is retried like a token endpoint.
func TestSourceRetries(t *testing.T) {
	srv, _ := ciServer(t)
	srv.ScriptCI(iamserver.Fault{Status: 503}, iamserver.Fault{Status: 429})
	src := workload.Source{Kind: workload.GitHubActions, Audience: "api://workiva", MaxRetries: 2,
		Getenv: env(map[string]string{workload.EnvGitHubRequestURL: srv.CIGitHubURL(), workload.EnvGitHubRequestToken: "request-token-9c2e"})}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.CIRequests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// The metadata server's rules: GCE_METADATA_HOST must be a host[:port],
// and an answer without "Metadata-Flavor: Google" did not come from the
// metadata server, whatever it holds; nothing is asked of a host the
// variable does not name.
func TestMetadataRules(t *testing.T) {
	srv, issuer := ciServer(t)
	var invalid *workload.InvalidError
	for _, host := range []string{"http://evil.example", "user@evil.example", "evil.example/path", "evil.example:99999", "evil.example?x", "-bad.example"} {
		src := workload.Source{Kind: workload.GCPMetadata, Audience: "a", Getenv: env(map[string]string{workload.EnvGCEMetadataHost: host}),
			Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { t.Fatalf("%q: a request was sent", host); return nil, nil })}
		if _, err := src.Token(context.Background()); !errors.As(err, &invalid) || invalid.Variable != workload.EnvGCEMetadataHost {
			t.Errorf("GCE_METADATA_HOST=%q: got %v", host, err)
		}
	}
	now := time.Now()
	tok, _ := issuer.Sign("job", "a", now, now.Add(time.Hour))
	fake := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tok)), Request: r}, nil
	})
	src := workload.Source{Kind: workload.GCPMetadata, Audience: "a", Transport: fake,
		Getenv: env(map[string]string{workload.EnvGCEMetadataHost: srv.CIGCPMetadataHost()})}
	var fetch *workload.FetchError
	if _, err := src.Token(context.Background()); !errors.As(err, &fetch) || fetch.Problem != workload.ProblemNotMetadata {
		t.Errorf("an answer without Metadata-Flavor: got %v", err)
	}
	// The fake says Metadata-Flavor: Google, as the metadata server does.
	src.Transport = nil
	if _, err := src.Token(context.Background()); err != nil {
		t.Errorf("the metadata fake: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
