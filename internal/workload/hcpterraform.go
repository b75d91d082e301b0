package workload

import (
	"context"
	"strings"
)

// hcpTerraform: TFC_WORKLOAD_IDENTITY_TOKEN_<TAG>, or
// TFC_WORKLOAD_IDENTITY_TOKEN without a tag (HCP Terraform's dynamic
// provider credentials, "Manually generating workload identity tokens").
type hcpTerraform struct{}

func (hcpTerraform) Info() Info {
	return Info{Kind: HCPTerraform, Name: "HCP Terraform",
		Doc: "`hcp_terraform` reads `" + EnvHCPToken + "_<tag>` (or `" + EnvHCPToken + "` without `tag`)",
		Hint: func(variable string) string {
			audience := strings.Replace(variable, "TOKEN", "AUDIENCE", 1)
			return "HCP Terraform gives a run a workload-identity token only when the workspace sets " + audience +
				" (an environment variable of the workspace, the audience the token is for)."
		},
		Detect:  func(getenv func(string) string) bool { return isSet(getenv, "TFC_RUN_ID") },
		Markers: "TFC_RUN_ID",
	}
}

func (h hcpTerraform) obtain(_ context.Context, s Source) (string, error) {
	variable, _ := h.readFrom(s)
	v, err := s.need(variable)
	if err != nil {
		return "", err
	}
	return v[0], nil
}

func (hcpTerraform) readFrom(s Source) (string, string) {
	if s.Tag != "" {
		return EnvHCPToken + "_" + s.Tag, ""
	}
	return EnvHCPToken, ""
}
