package workload_test

import (
	"errors"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// Codefresh, as it documents it: the token the fake issued for the
// audience, the request token (sent without a scheme) reported at once;
// without the variables, or with a wrong request token, an error.
func TestCodefresh(t *testing.T) {
	srv, _ := ciServer(t)
	src := workload.Source{Kind: workload.Codefresh, Audience: "api://workiva"}
	vars := map[string]string{workload.EnvCodefreshRequestURL: srv.CIURL(workload.Codefresh), workload.EnvCodefreshRequestToken: "request-token-9c2e"}
	issuedAs(t, src, vars, func() string { return lastIssued(srv) }, "request-token-9c2e")
	for _, r := range srv.CIRequests() {
		if r.Query.Get("audience") != "api://workiva" || r.Header.Get("Authorization") != "request-token-9c2e" {
			t.Errorf("Codefresh request %v %v", r.Query, r.Header)
		}
	}
	var missing *workload.MissingError
	var fetch *workload.FetchError
	refused(t, src, nil, func(err error) bool {
		return errors.As(err, &missing) && missing.Variable == workload.EnvCodefreshRequestURL
	})
	refused(t, src, map[string]string{workload.EnvCodefreshRequestURL: srv.CIURL(workload.Codefresh), workload.EnvCodefreshRequestToken: "wrong"},
		func(err error) bool { return errors.As(err, &fetch) && fetch.StatusCode == 401 })
}
