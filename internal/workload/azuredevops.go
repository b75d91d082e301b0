package workload

import (
	"context"
	"net/http"
	"net/url"
)

// azureDevOps: POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=<id>
// with "Authorization: Bearer $SYSTEM_ACCESSTOKEN"; the token is .oidcToken
// (Azure DevOps REST API, Distributed Task - Oidctoken - Create).
type azureDevOps struct{}

func (azureDevOps) Info() Info {
	return Info{NewPerRequest: true, Kind: AzureDevOps, Name: "Azure DevOps", Needs: "service_connection_id",
		Doc: "`azure_devops` asks `$" + EnvAzureRequestURI + "?api-version=7.1&serviceConnectionId=<id>` with `$" + EnvAzureAccessToken + "`",
		Hint: func(variable string) string {
			if variable == EnvAzureAccessToken {
				return "Azure Pipelines does not give a step its access token unless asked: map it into the step's environment with " +
					"`SYSTEM_ACCESSTOKEN: $(System.AccessToken)`."
			}
			return "The variable is set by the Azure Pipelines agent; run the step in an Azure Pipelines job."
		},
		FetchHint: "Check workload_identity.service_connection_id and that the pipeline may use that service connection.",
		Detect:    func(getenv func(string) string) bool { return isTrue(getenv, "TF_BUILD") },
		Markers:   "TF_BUILD=True",
	}
}

func (azureDevOps) obtain(ctx context.Context, s Source) (string, error) {
	v, err := s.need(EnvAzureRequestURI, EnvAzureAccessToken)
	if err != nil {
		return "", err
	}
	s.tell(v[1])
	u := v[0] + "?api-version=7.1&serviceConnectionId=" + url.QueryEscape(s.ServiceConnectionID)
	var answer struct {
		OIDCToken string `json:"oidcToken"`
	}
	err = s.fetchJSON(ctx, request{method: http.MethodPost, url: u, variable: EnvAzureRequestURI,
		header: map[string]string{"Authorization": "Bearer " + v[1], "Content-Type": "application/json"}}, &answer)
	return answer.OIDCToken, err
}

func (azureDevOps) readFrom(Source) (string, string) { return "", "" }
