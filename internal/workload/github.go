package workload

import (
	"context"
	"net/http"
)

// githubActions (also Forgejo): GET $ACTIONS_ID_TOKEN_REQUEST_URL with
// &audience=<aud> and "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN";
// the token is .value of the answer (GitHub's "About security hardening
// with OpenID Connect").
type githubActions struct{}

func (githubActions) Info() Info {
	return Info{NewPerRequest: true, Kind: GitHubActions, Name: "GitHub Actions",
		Doc: "`github_actions` (also Forgejo) asks `$" + EnvGitHubRequestURL + "` with `$" + EnvGitHubRequestToken +
			"` (the job needs `permissions: id-token: write`)",
		Hint: func(string) string {
			return "GitHub Actions hands a job an OIDC token only with the permission to ask for one: give the job (or the workflow) " +
				"`permissions: id-token: write`."
		},
		FetchHint: "Check the job's permissions for OIDC tokens (`permissions: id-token: write`).",
		Detect:    func(getenv func(string) string) bool { return isTrue(getenv, "GITHUB_ACTIONS") },
		Markers:   "GITHUB_ACTIONS=true",
		Endpoint:  &githubEndpoint,
	}
}

func (githubActions) obtain(ctx context.Context, s Source) (string, error) {
	return s.ask(ctx, githubEndpoint)
}

// githubEndpoint: the URL has a query already (api-version).
var githubEndpoint = Endpoint{Method: http.MethodGet, URLVariable: EnvGitHubRequestURL, Given: "api-version=2.0",
	Query: []Field{{Name: "audience", Setting: "audience"}}, TokenVariable: EnvGitHubRequestToken, Scheme: "Bearer ", Answer: "value"}

func (githubActions) readFrom(Source) (string, string) { return "", "" }
