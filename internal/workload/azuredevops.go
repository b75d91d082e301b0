package workload

import (
	"net/http"
)

// azureDevOps asks the pipeline's OIDC token endpoint (azureDevOpsEndpoint,
// as Azure DevOps REST API, Distributed Task - Oidctoken - Create,
// describes it).
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
		Endpoint:  &azureDevOpsEndpoint,
	}
}

// azureDevOpsEndpoint: its tokens are for Entra ID's federated credentials,
// whatever the request.
var azureDevOpsEndpoint = Endpoint{Method: http.MethodPost, URLVariable: EnvAzureRequestURI,
	Query:         []Field{{Name: "api-version", Value: "7.1"}, {Name: "serviceConnectionId", Setting: "service_connection_id"}},
	TokenVariable: EnvAzureAccessToken, Scheme: "Bearer ", Header: map[string]string{"Content-Type": "application/json"},
	Answer: "oidcToken", Audience: AzureDevOpsAudience}

// AzureDevOpsAudience is the aud of Azure DevOps' workload-identity
// tokens, which Entra ID's federated credentials expect.
const AzureDevOpsAudience = "api://AzureADTokenExchange"
