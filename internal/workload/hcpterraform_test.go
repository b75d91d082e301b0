package workload_test

import (
	"errors"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// HCP Terraform: the tagged variable's token; without it, or expired, an
// error naming the variable.
func TestHCPTerraform(t *testing.T) {
	_, issuer := ciServer(t)
	now := time.Now()
	tok := signed(t, issuer, "api://workiva", now, now.Add(time.Hour))
	src := workload.Source{Kind: workload.HCPTerraform, Tag: "WORKIVA", Audience: "api://workiva"}
	issued(t, src, map[string]string{workload.EnvHCPToken + "_WORKIVA": tok}, tok)
	var missing *workload.MissingError
	var check *workload.CheckError
	refused(t, src, nil, func(err error) bool {
		return errors.As(err, &missing) && missing.Variable == "TFC_WORKLOAD_IDENTITY_TOKEN_WORKIVA"
	})
	expired := signed(t, issuer, "api://workiva", now.Add(-time.Hour), now.Add(-time.Minute))
	refused(t, workload.Source{Kind: workload.HCPTerraform, Tag: "API"}, map[string]string{"TFC_WORKLOAD_IDENTITY_TOKEN_API": expired},
		func(err error) bool {
			return errors.As(err, &check) && check.Variable == "TFC_WORKLOAD_IDENTITY_TOKEN_API"
		})
}
