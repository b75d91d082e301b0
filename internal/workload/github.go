package workload

import (
	"net/http"
)

// githubActions (also Forgejo) asks the job's OIDC token endpoint
// (githubEndpoint, as GitHub's "About security hardening with OpenID
// Connect" describes it).
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

// githubEndpoint: the URL has a query already (api-version).
var githubEndpoint = Endpoint{Method: http.MethodGet, URLVariable: EnvGitHubRequestURL, Given: "api-version=2.0",
	Query: []Field{{Name: "audience", Setting: "audience"}}, TokenVariable: EnvGitHubRequestToken, Scheme: "Bearer ", Answer: "value"}
