package workload

import "context"

// EnvBitbucketToken is the variable Bitbucket Pipelines puts a step's OIDC
// token in.
const EnvBitbucketToken = "BITBUCKET_STEP_OIDC_TOKEN" //nolint:gosec // the variable's name

// bitbucket: $BITBUCKET_STEP_OIDC_TOKEN, set in steps with `oidc: true`.
type bitbucket struct{}

func (bitbucket) Info() Info {
	return Info{Kind: Bitbucket, Name: "Bitbucket Pipelines",
		Doc: "`bitbucket` reads `$" + EnvBitbucketToken + "` (the step needs `oidc: true`)",
		Hint: func(string) string {
			return "Bitbucket Pipelines gives a step an OIDC token only when the step sets `oidc: true`."
		},
		Detect:  func(getenv func(string) string) bool { return isSet(getenv, "BITBUCKET_BUILD_NUMBER") },
		Markers: "BITBUCKET_BUILD_NUMBER",
	}
}

func (bitbucket) obtain(_ context.Context, s Source) (string, error) {
	return envToken(s, EnvBitbucketToken)
}

func (bitbucket) readFrom(Source) (string, string) { return EnvBitbucketToken, "" }
