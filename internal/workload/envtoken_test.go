package workload_test

import (
	"errors"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// The CI systems that put the job's token in a variable, each as its
// documentation says: the token from the variable; without it, an error
// naming the variable (the first one looked for); an expired token names
// the variable it came from.
func TestVariableSystems(t *testing.T) {
	_, issuer := ciServer(t)
	now := time.Now()
	tok := signed(t, issuer, "api://workiva", now, now.Add(time.Hour))
	expired := signed(t, issuer, "api://workiva", now.Add(-time.Hour), now.Add(-time.Minute))
	for _, tc := range []struct {
		src       workload.Source
		variables []string // looked for, in order
	}{
		{workload.Source{Kind: workload.GitLab}, []string{workload.EnvGitLabToken}},
		{workload.Source{Kind: workload.GitLab, EnvVar: "WORKIVA_ID_TOKEN"}, []string{"WORKIVA_ID_TOKEN"}},
		{workload.Source{Kind: workload.CircleCI}, []string{workload.EnvCircleCITokenV2, workload.EnvCircleCIToken}},
		{workload.Source{Kind: workload.Bitbucket}, []string{workload.EnvBitbucketToken}},
		{workload.Source{Kind: workload.Spacelift}, []string{workload.EnvSpaceliftToken}},
		{workload.Source{Kind: workload.Env0}, []string{workload.EnvEnv0Token}},
	} {
		t.Run(string(tc.src.Kind), func(t *testing.T) {
			for i, v := range tc.variables {
				// Each variable alone gives the token; the first wins.
				issued(t, tc.src, map[string]string{v: tok}, tok)
				if i > 0 {
					issued(t, tc.src, map[string]string{tc.variables[0]: tok, v: expired}, tok)
				}
			}
			var missing *workload.MissingError
			refused(t, tc.src, nil, func(err error) bool { return errors.As(err, &missing) && missing.Variable == tc.variables[0] })
			var check *workload.CheckError
			last := tc.variables[len(tc.variables)-1]
			src := tc.src
			src.Clock = nil
			refused(t, src, map[string]string{last: expired}, func(err error) bool {
				return errors.As(err, &check) && check.Problem == workload.ProblemExpired && check.Variable == last && check.Kind == tc.src.Kind
			})
		})
	}
}
