package workload

import (
	"context"
	"net/http"
)

// The variables Codefresh gives a build for its OIDC token.
const (
	EnvCodefreshRequestURL   = "CF_OIDC_REQUEST_URL"
	EnvCodefreshRequestToken = "CF_OIDC_REQUEST_TOKEN" //nolint:gosec // the variable's name
)

// codefresh: GET $CF_OIDC_REQUEST_URL?audience=<aud> with
// "Authorization: $CF_OIDC_REQUEST_TOKEN"; the token is .id_token.
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

func (codefresh) obtain(ctx context.Context, s Source) (string, error) {
	return s.ask(ctx, codefreshEndpoint)
}

// codefreshEndpoint: the request token goes without a scheme.
var codefreshEndpoint = Endpoint{Method: http.MethodGet, URLVariable: EnvCodefreshRequestURL,
	Query: []Field{{Name: "audience", Setting: "audience"}}, TokenVariable: EnvCodefreshRequestToken, Answer: "id_token"}

func (codefresh) readFrom(Source) (string, string) { return "", "" }
