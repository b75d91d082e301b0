package workload

import (
	"context"
	"net/http"
	"net/url"
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
	}
}

func (githubActions) obtain(ctx context.Context, s Source) (string, error) {
	v, err := s.need(EnvGitHubRequestURL, EnvGitHubRequestToken)
	if err != nil {
		return "", err
	}
	s.tell(v[1])
	u := v[0]
	if s.Audience != "" {
		// The URL has a query already (api-version); keep it.
		u += "&audience=" + url.QueryEscape(s.Audience)
	}
	var answer struct {
		Value string `json:"value"`
	}
	err = s.fetchJSON(ctx, request{method: http.MethodGet, url: u, variable: EnvGitHubRequestURL,
		header: map[string]string{"Authorization": "Bearer " + v[1]}}, &answer)
	return answer.Value, err
}

func (githubActions) readFrom(Source) (string, string) { return "", "" }
