package workload

import "context"

// valueSource: Source.Value as given (an HCP Terraform Stacks
// identity_token, a ready-made client assertion).
type valueSource struct{}

func (valueSource) Info() Info {
	return Info{Kind: Value, Name: "workload_identity.token", Needs: "token", Doc: "`value` takes `token`"}
}

func (valueSource) obtain(_ context.Context, s Source) (string, error) { return s.Value, nil }
