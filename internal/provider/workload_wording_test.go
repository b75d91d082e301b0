package provider

import (
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// A ready-made client_assertion (no workload_identity) that is not a JWT:
// the hint does not send the user to a workload_identity the grant lacks,
// whichever of its three origins it came from.
func TestAssertionHintNamesNoWorkloadIdentity(t *testing.T) {
	for _, tc := range []struct {
		kind workload.Kind
		file string
		from string
	}{
		{workload.Value, "", "client_assertion in the provider block"},
		{workload.Env, "", EnvClientAssertion},
		{workload.File, "/run/assertion", "the file named by " + EnvClientAssertionFile},
	} {
		check := &workload.CheckError{Kind: tc.kind, Problem: workload.ProblemNotJWT, File: tc.file}
		if tc.kind == workload.Env {
			check.Variable = EnvClientAssertion
		}
		e := &tokenclient.Error{Kind: tokenclient.KindNotSent, Err: check, Endpoint: "https://iam.test/t"}
		g := &grant{clientID: "c", hint: grantHint{style: tokenclient.AuthStyleClientAssertion, origins: origin{"client_assertion": tc.from}}}
		d := tokenErrorDiagnostic("Authentication failed", e, g, nil)
		if strings.Contains(d.Detail(), "workload_identity") {
			t.Errorf("%s: %s", tc.kind, d.Detail())
		}
	}
}
