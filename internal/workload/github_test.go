package workload_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// GitHub Actions, as GitHub documents it: the token the fake issued, the
// request token reported at once, GitHub's own query kept and the audience
// appended; without the id-token permission, with a wrong request token or
// to a plain-http host that is not loopback, an error that says which, and
// nothing asked in the last case.
func TestGitHubActions(t *testing.T) {
	srv, _ := ciServer(t)
	src := workload.Source{Kind: workload.GitHubActions, Audience: "api://workiva"}
	issuedAs(t, src, map[string]string{workload.EnvGitHubRequestURL: srv.CIURL(workload.GitHubActions), workload.EnvGitHubRequestToken: "request-token-9c2e"},
		func() string { return lastIssued(srv) }, "request-token-9c2e")
	for _, r := range srv.CIRequests() {
		if r.Query.Get("api-version") != "2.0" || r.Query.Get("audience") != "api://workiva" {
			t.Errorf("GitHub request query %v", r.Query)
		}
	}
	var missing *workload.MissingError
	var fetch *workload.FetchError
	refused(t, src, nil, func(err error) bool {
		return errors.As(err, &missing) && missing.Variable == workload.EnvGitHubRequestURL
	})
	refused(t, src, map[string]string{workload.EnvGitHubRequestURL: srv.CIURL(workload.GitHubActions), workload.EnvGitHubRequestToken: "wrong"},
		func(err error) bool { return errors.As(err, &fetch) && fetch.StatusCode == 401 })
	before := len(srv.CIRequests())
	refused(t, src, map[string]string{workload.EnvGitHubRequestURL: "http://ci.example.test/token?api-version=2.0", workload.EnvGitHubRequestToken: "wrong"},
		func(err error) bool {
			return errors.As(err, &fetch) && fetch.Problem == workload.ProblemInsecure && fetch.Variable == workload.EnvGitHubRequestURL
		})
	// A host that is not ASCII is dialled as its IDNA form, another name
	// than it reads as: refused before the transport is asked.
	var asked atomic.Int32
	tripwire := src
	tripwire.Transport = roundTripFunc(func(*http.Request) (*http.Response, error) {
		asked.Add(1)
		return nil, errors.New("no request may be sent")
	})
	refused(t, tripwire, map[string]string{workload.EnvGitHubRequestURL: "https://pipelİnes.actions.example/token", workload.EnvGitHubRequestToken: "t"},
		func(err error) bool {
			return errors.As(err, &fetch) && fetch.Problem == workload.ProblemHost && errors.Is(fetch.Err, httpretry.ErrNonASCIIHost)
		})
	if n := len(srv.CIRequests()); n != before || asked.Load() > 0 {
		t.Errorf("%d requests to the CI endpoints and %d to the transport after a refusal", n-before, asked.Load())
	}
}

// lastIssued is the token the CI fakes issued last.
func lastIssued(srv *iamserver.Server) string {
	all := srv.CIIssued()
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}
