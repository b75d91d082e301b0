// Package interop_test runs the provider, through the Terraform CLI,
// against OAuth2 implementations no one here wrote: ory/fosite and
// zitadel/oidc. It is a module of its own so that the provider's go.mod
// holds what the provider needs; `make test` runs it.
package interop_test

import (
	"os"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

// requestToken is the GitHub fake's request token.
const requestToken = "ci-request-token-5b1f9e" //nolint:gosec // a token of the CI fakes

func TestMain(m *testing.M) { os.Exit(providertest.Main(m, nil)) }
