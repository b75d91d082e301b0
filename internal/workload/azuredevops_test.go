package workload_test

import (
	"errors"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// Azure DevOps, as Microsoft documents it: the token the fake issued for
// the service connection, the access token reported at once; without the
// access token mapped into the step, or to a plain-http host that is not
// loopback, an error that says which.
func TestAzureDevOps(t *testing.T) {
	srv, _ := ciServer(t)
	src := workload.Source{Kind: workload.AzureDevOps, ServiceConnectionID: "sc-1"}
	issuedAs(t, src, map[string]string{workload.EnvAzureRequestURI: srv.CIURL(workload.AzureDevOps), workload.EnvAzureAccessToken: "request-token-9c2e"},
		func() string { return lastIssued(srv) }, "request-token-9c2e")
	var missing *workload.MissingError
	var fetch *workload.FetchError
	refused(t, src, map[string]string{workload.EnvAzureRequestURI: srv.CIURL(workload.AzureDevOps)},
		func(err error) bool {
			return errors.As(err, &missing) && missing.Variable == workload.EnvAzureAccessToken
		})
	refused(t, src, map[string]string{workload.EnvAzureRequestURI: "http://dev.azure.example.test/oidc", workload.EnvAzureAccessToken: "wrong"},
		func(err error) bool { return errors.As(err, &fetch) && fetch.Problem == workload.ProblemInsecure })
}
