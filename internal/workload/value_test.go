package workload_test

import (
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// A value (an HCP Terraform Stacks identity_token, a ready-made client
// assertion): the token as given, reported as sensitive.
func TestValue(t *testing.T) {
	_, issuer := ciServer(t)
	now := time.Now()
	tok := signed(t, issuer, "api://workiva", now, now.Add(time.Hour))
	issued(t, workload.Source{Kind: workload.Value, Value: tok}, nil, tok)
}
