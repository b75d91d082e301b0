package workload

import "context"

// The variables CircleCI puts its OIDC tokens in: the V2 token (with the
// job's claims CircleCI added later) first.
const (
	EnvCircleCITokenV2 = "CIRCLE_OIDC_TOKEN_V2" //nolint:gosec // the variable's name
	EnvCircleCIToken   = "CIRCLE_OIDC_TOKEN"    //nolint:gosec // the variable's name
)

// circleCI: $CIRCLE_OIDC_TOKEN_V2, else $CIRCLE_OIDC_TOKEN, which CircleCI
// sets in jobs that use a context.
type circleCI struct{}

func (circleCI) Info() Info {
	return Info{Kind: CircleCI, Name: "CircleCI",
		Doc: "`circleci` reads `$" + EnvCircleCITokenV2 + "`, else `$" + EnvCircleCIToken + "`",
		Hint: func(string) string {
			return "CircleCI sets " + EnvCircleCIToken + " and " + EnvCircleCITokenV2 + " only in jobs that use at least one context: " +
				"add a context to the job in the workflow."
		},
		Detect:  func(getenv func(string) string) bool { return isTrue(getenv, "CIRCLECI") },
		Markers: "CIRCLECI=true",
	}
}

func (circleCI) obtain(_ context.Context, s Source) (string, error) {
	return envToken(s, EnvCircleCITokenV2, EnvCircleCIToken)
}

func (circleCI) readFrom(s Source) (string, string) {
	return firstSet(s, EnvCircleCITokenV2, EnvCircleCIToken), ""
}
