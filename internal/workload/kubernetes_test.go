package workload_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// Kubernetes: the projected token at file, else at the file the AKS or EKS
// webhook names, that one only with an audience it holds (the webhooks'
// tokens are for Entra ID and AWS STS); with neither file, an error naming
// what to set.
func TestKubernetes(t *testing.T) {
	_, issuer := ciServer(t)
	now := time.Now()
	dir := t.TempDir()
	write := func(name, tok string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(tok), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	own, azure, aws := signed(t, issuer, "a", now, now.Add(time.Hour)), signed(t, issuer, "b", now, now.Add(time.Hour)), signed(t, issuer, "c", now, now.Add(time.Hour))
	ownFile, azureFile, awsFile := write("own", own), write("azure", azure), write("aws", aws)
	env := map[string]string{workload.EnvAzureTokenFile: azureFile, workload.EnvAWSTokenFile: awsFile}
	issued(t, workload.Source{Kind: workload.Kubernetes, File: ownFile}, env, own)
	issued(t, workload.Source{Kind: workload.Kubernetes, Audience: "b"}, env, azure)
	issued(t, workload.Source{Kind: workload.Kubernetes, Audience: "c"}, map[string]string{workload.EnvAWSTokenFile: awsFile}, aws)
	// The EKS pod of the third review: the token for AWS STS is not sent
	// without an audience, nor with another.
	var check *workload.CheckError
	refused(t, workload.Source{Kind: workload.Kubernetes}, map[string]string{workload.EnvAWSTokenFile: awsFile}, func(err error) bool {
		return errors.As(err, &check) && check.Problem == workload.ProblemAudienceUnset && check.NamedBy == workload.EnvAWSTokenFile &&
			check.File == awsFile && len(check.Audiences) == 1 && check.Audiences[0] == "c"
	})
	refused(t, workload.Source{Kind: workload.Kubernetes, Audience: "api://workiva"}, map[string]string{workload.EnvAWSTokenFile: awsFile},
		func(err error) bool { return errors.As(err, &check) && check.Problem == workload.ProblemAudience })
	refused(t, workload.Source{Kind: workload.Auto}, map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1", workload.EnvAWSTokenFile: awsFile},
		func(err error) bool {
			return errors.As(err, &check) && check.Problem == workload.ProblemAudienceUnset && check.Auto && check.Kind == workload.Kubernetes
		})
	var missing *workload.MissingError
	refused(t, workload.Source{Kind: workload.Kubernetes}, nil, func(err error) bool { return errors.As(err, &missing) })
	var read *workload.ReadError
	refused(t, workload.Source{Kind: workload.Kubernetes}, map[string]string{workload.EnvAWSTokenFile: filepath.Join(dir, "gone")},
		func(err error) bool { return errors.As(err, &read) && read.File == filepath.Join(dir, "gone") })
}
