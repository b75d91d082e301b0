package workload_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// auto recognises the CI system from the variables its jobs always have,
// in the documented order, and obtains the token as that source does; an
// error names the source recognised; with none recognised, the error
// lists what was looked for, and nothing is asked.
func TestAuto(t *testing.T) {
	srv, issuer := ciServer(t)
	now := time.Now()
	tok := signed(t, issuer, "api://workiva", now, now.Add(time.Hour))
	src := workload.Source{Kind: workload.Auto, Audience: "api://workiva"}
	issued(t, src, map[string]string{"GITLAB_CI": "true", workload.EnvGitLabToken: tok}, tok)
	issued(t, src, map[string]string{"CIRCLECI": "true", workload.EnvCircleCIToken: tok}, tok)
	// GitHub Actions comes before GitLab.
	issuedAs(t, src, map[string]string{"GITLAB_CI": "true", workload.EnvGitLabToken: tok, "GITHUB_ACTIONS": "true",
		workload.EnvGitHubRequestURL: srv.CIURL(workload.GitHubActions), workload.EnvGitHubRequestToken: "request-token-9c2e"},
		func() string { return lastIssued(srv) }, "request-token-9c2e")

	var missing *workload.MissingError
	refused(t, src, map[string]string{"BITBUCKET_BUILD_NUMBER": "7"}, func(err error) bool {
		return errors.As(err, &missing) && missing.Kind == workload.Bitbucket && missing.Variable == workload.EnvBitbucketToken
	})
	var none *workload.NotRecognisedError
	before := len(srv.CIRequests())
	refused(t, src, map[string]string{"CI": "true"}, func(err error) bool {
		return errors.As(err, &none) && strings.HasPrefix(none.LookedFor[0], "GITHUB_ACTIONS=true (GitHub Actions)") &&
			strings.Contains(strings.Join(none.LookedFor, "; "), "GITLAB_CI=true (GitLab CI)")
	})
	if len(srv.CIRequests()) != before {
		t.Error("auto asked something without recognising a CI system")
	}
}
