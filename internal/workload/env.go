package workload

import "context"

// envSource: the variable EnvVar names (GitLab's id_tokens, any CI).
type envSource struct{}

func (envSource) Info() Info {
	return Info{Kind: Env, Name: "the environment variable", Needs: "env_var",
		Doc: "`env` reads the variable `env_var` names (GitLab's `id_tokens`)",
		Hint: func(string) string {
			return "Set the variable to the workload-identity token in the job's environment (for GitLab, the job's id_tokens)."
		},
	}
}

func (envSource) obtain(_ context.Context, s Source) (string, error) {
	v, err := s.need(s.EnvVar)
	if err != nil {
		return "", err
	}
	return v[0], nil
}

func (envSource) readFrom(s Source) (string, string) { return s.EnvVar, "" }
