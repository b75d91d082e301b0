package workload_test

import (
	"errors"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// An environment variable (GitLab's id_tokens): its token; empty or
// expired, an error naming the variable.
func TestEnv(t *testing.T) {
	_, issuer := ciServer(t)
	now := time.Now()
	tok := signed(t, issuer, "api://workiva", now, now.Add(time.Hour))
	issued(t, workload.Source{Kind: workload.Env, EnvVar: "GITLAB_ID_TOKEN"}, map[string]string{"GITLAB_ID_TOKEN": tok}, tok)
	var check *workload.CheckError
	refused(t, workload.Source{Kind: workload.Env, EnvVar: "X"}, map[string]string{"X": " \n"},
		func(err error) bool {
			return errors.As(err, &check) && check.Problem == workload.ProblemEmpty && check.Variable == "X"
		})
	expired := signed(t, issuer, "api://workiva", now.Add(-time.Hour), now.Add(-time.Minute))
	refused(t, workload.Source{Kind: workload.Env, EnvVar: "CI_TOKEN"}, map[string]string{"CI_TOKEN": expired},
		func(err error) bool {
			return errors.As(err, &check) && check.Problem == workload.ProblemExpired && check.Variable == "CI_TOKEN"
		})
}
