package workload

import "context"

// EnvEnv0Token is the variable env0 puts a deployment's OIDC token in.
const EnvEnv0Token = "ENV0_OIDC_TOKEN" //nolint:gosec // the variable's name

// env0: $ENV0_OIDC_TOKEN, set in every deployment.
type env0 struct{}

func (env0) Info() Info {
	return Info{Kind: Env0, Name: "env0",
		Doc: "`env0` reads `$" + EnvEnv0Token + "`",
		Hint: func(string) string {
			return "env0 sets " + EnvEnv0Token + " in deployments on its runners; check that the step runs in an env0 deployment."
		},
		Detect: func(getenv func(string) string) bool {
			return isSet(getenv, "ENV0_ENVIRONMENT_ID") || isSet(getenv, EnvEnv0Token)
		},
		Markers: "ENV0_ENVIRONMENT_ID or " + EnvEnv0Token,
	}
}

func (env0) obtain(_ context.Context, s Source) (string, error) { return envToken(s, EnvEnv0Token) }

func (env0) readFrom(Source) (string, string) { return EnvEnv0Token, "" }
