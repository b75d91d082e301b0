package workload

import "context"

// EnvSpaceliftToken is the variable Spacelift puts a run's OIDC token in.
const EnvSpaceliftToken = "SPACELIFT_OIDC_TOKEN" //nolint:gosec // the variable's name

// spacelift: $SPACELIFT_OIDC_TOKEN, set in every run.
type spacelift struct{}

func (spacelift) Info() Info {
	return Info{Kind: Spacelift, Name: "Spacelift",
		Doc: "`spacelift` reads `$" + EnvSpaceliftToken + "`",
		Hint: func(string) string {
			return "Spacelift sets " + EnvSpaceliftToken + " in runs on its workers; check that the run is a Spacelift run, not a local preview."
		},
		Detect:  func(getenv func(string) string) bool { return isSet(getenv, "TF_VAR_spacelift_run_id") },
		Markers: "TF_VAR_spacelift_run_id",
	}
}

func (spacelift) obtain(_ context.Context, s Source) (string, error) {
	return envToken(s, EnvSpaceliftToken)
}

func (spacelift) readFrom(Source) (string, string) { return EnvSpaceliftToken, "" }
