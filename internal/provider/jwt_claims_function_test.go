package provider_test

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// ciToken is a CI identity token for subject and audience, valid an hour.
func ciToken(t *testing.T, subject, audience string) (string, time.Time) {
	t.Helper()
	issuer, err := iamserver.NewCIIssuer("https://token.actions.githubusercontent.com")
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	tok, err := issuer.Sign(subject, audience, time.Now(), exp)
	if err != nil {
		t.Fatal(err)
	}
	return tok, exp
}

// jwt_claims returns a token's claims as an object: strings, numbers
// exactly, and the audience as the token has it.
func TestJWTClaimsFunction(t *testing.T) {
	tok, exp := ciToken(t, "repo:acme/infra:ref:refs/heads/main", "api://workiva")
	unitTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
locals {
  claims = provider::workiva::jwt_claims(%q)
}
output "sub" {
  value = local.claims.sub
}
output "iss" {
  value = local.claims.iss
}
output "exp" {
  value = local.claims.exp
}
`, tok),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("sub", knownvalue.StringExact("repo:acme/infra:ref:refs/heads/main")),
			statecheck.ExpectKnownOutputValue("iss", knownvalue.StringExact("https://token.actions.githubusercontent.com")),
			statecheck.ExpectKnownOutputValue("exp", knownvalue.NumberExact(new(big.Float).SetInt64(exp.Unix()))),
		},
	})
}

// A token that is not a JWT is an error that does not repeat it; an
// ephemeral token gives ephemeral claims, which a resource may not keep.
func TestCLIJWTClaimsErrorsAndEphemerality(t *testing.T) {
	const opaque = "opaque-token-7Hq2ZxV9kLm4"
	c := newCLIDir(t, fmt.Sprintf(`
variable "tok" {
  type      = string
  sensitive = true
  default   = %q
}
output "sub" {
  value     = provider::workiva::jwt_claims(var.tok).sub
  sensitive = true
}
`, opaque))
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "The token is not a JWT") {
		t.Fatalf("plan:\n%s", out)
	}
	if strings.Contains(out, opaque) {
		t.Errorf("the error repeats the token:\n%s", out)
	}

	tok, _ := ciToken(t, "repo:acme/infra", "api://workiva")
	c = newCLIDir(t, fmt.Sprintf(`
variable "tok" {
  type      = string
  ephemeral = true
  default   = %q
}
resource "terraform_data" "kept" {
  input = provider::workiva::jwt_claims(var.tok).sub
}
`, tok))
	out, err = flatRun(c, nil, "plan", "-input=false")
	// Terraform says "Invalid use of ephemeral value", OpenTofu "Ephemeral
	// value used in non-ephemeral context".
	if err == nil || !strings.Contains(out, "Invalid use of ephemeral value") && !strings.Contains(out, "Ephemeral value used in non-ephemeral context") {
		t.Errorf("claims of an ephemeral token were kept in a resource:\n%s", out)
	}
}

// A claim that is a number with a huge exponent is text: written out in
// full on Terraform's wire, 1e20000000 took minutes (the review of the
// containment pass); an ordinary number stays a number.
func TestJWTClaimsHugeNumberIsText(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tok := enc(`{"alg":"RS256"}`) + "." + enc(`{"sub":"x","huge":1e20000000,"tiny":-1e-20000000,"n":12.5}`) + "." + enc("sig")
	unitTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
locals {
  claims = provider::workiva::jwt_claims(%q)
}
output "huge" {
  value = local.claims.huge
}
output "tiny" {
  value = local.claims.tiny
}
output "n" {
  value = local.claims.n
}
`, tok),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("huge", knownvalue.StringExact("1e20000000")),
			statecheck.ExpectKnownOutputValue("tiny", knownvalue.StringExact("-1e-20000000")),
			statecheck.ExpectKnownOutputValue("n", knownvalue.NumberExact(big.NewFloat(12.5))),
		},
	})
}
