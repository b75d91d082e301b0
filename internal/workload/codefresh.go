package workload

import (
	"net/http"
)

// The variables Codefresh gives a build for its OIDC token.
const (
	EnvCodefreshRequestURL   = "CF_OIDC_REQUEST_URL"
	EnvCodefreshRequestToken = "CF_OIDC_REQUEST_TOKEN" //nolint:gosec // the variable's name
)

// codefresh asks the build's OIDC token endpoint (codefreshEndpoint).
type codefresh struct{}

func (codefresh) Info() Info {
	return Info{NewPerRequest: true, Kind: Codefresh, Name: "Codefresh",
		Doc: "`codefresh` asks `$" + EnvCodefreshRequestURL + "?audience=<audience>` with `$" + EnvCodefreshRequestToken + "`",
		Hint: func(string) string {
			return "Codefresh sets " + EnvCodefreshRequestURL + " and " + EnvCodefreshRequestToken + " in builds on its runners; " +
				"check that the step runs in a Codefresh build."
		},
		FetchHint: "Check that the Codefresh account may issue OIDC tokens for the audience.",
		Detect:    func(getenv func(string) string) bool { return isSet(getenv, "CF_BUILD_ID") },
		Markers:   "CF_BUILD_ID",
		Endpoint:  &codefreshEndpoint,
	}
}

// codefreshEndpoint: the request token goes without a scheme.
var codefreshEndpoint = Endpoint{Method: http.MethodGet, URLVariable: EnvCodefreshRequestURL,
	Query: []Field{{Name: "audience", Setting: "audience"}}, TokenVariable: EnvCodefreshRequestToken, Answer: "id_token"}
