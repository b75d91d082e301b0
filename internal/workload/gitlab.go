package workload

import (
	"cmp"
	"context"
)

// EnvGitLabToken is the variable gitlab reads when env_var names none: the
// name GitLab's documentation gives the token a job declares under
// id_tokens.
const EnvGitLabToken = "GITLAB_OIDC_TOKEN" //nolint:gosec // the variable's name

// gitlab: the token a job declares under id_tokens, which GitLab writes
// into the variable the job names (GITLAB_OIDC_TOKEN unless EnvVar names
// another).
type gitlab struct{}

func (gitlab) Info() Info {
	return Info{Kind: GitLab, Name: "GitLab CI",
		Doc: "`gitlab` reads the token a job declares under `id_tokens` from `$" + EnvGitLabToken + "`, or the variable `env_var` names",
		Hint: func(variable string) string {
			return "GitLab writes an OIDC token only into the variables a job declares under `id_tokens`: declare `id_tokens: " +
				variable + ": aud: <the audience>` in the job, or set workload_identity.env_var to the name it declares."
		},
		Detect:  func(getenv func(string) string) bool { return isTrue(getenv, "GITLAB_CI") },
		Markers: "GITLAB_CI=true",
	}
}

func (g gitlab) obtain(_ context.Context, s Source) (string, error) {
	variable, _ := g.readFrom(s)
	return envToken(s, variable)
}

func (gitlab) readFrom(s Source) (string, string) { return cmp.Or(s.EnvVar, EnvGitLabToken), "" }
