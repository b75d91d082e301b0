package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

var _ function.Function = (*JWTClaimsFunction)(nil)

// JWTClaimsFunction is provider::workiva::jwt_claims: the claims of a JWT,
// read without verifying it.
type JWTClaimsFunction struct{}

// NewJWTClaimsFunction returns the jwt_claims function.
func NewJWTClaimsFunction() function.Function { return &JWTClaimsFunction{} }

// Metadata implements function.Function.
func (f *JWTClaimsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "jwt_claims"
}

// Definition implements function.Function.
func (f *JWTClaimsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The claims of a JWT, read without verifying it",
		MarkdownDescription: "Returns the claims of a JWT (a JWS in compact serialisation: an access token, a CI system's " +
			"identity token) as an object, for `terraform test` assertions, `check` blocks and outputs of `sub`, `aud`, `exp` " +
			"and the like.\n\n~> **The token is not verified.** Its signature, issuer and expiry are not checked: the claims are " +
			"what the token says of itself, for looking, never for deciding whom to trust.\n\nNumbers are exact; one past about " +
			"10^1233 (or below its inverse) is given as the text the token holds. A token that is not a JWT is an " +
			"error, which does not repeat the token. Given an ephemeral value (an ephemeral `workiva_token`'s `access_token`), " +
			"the result is ephemeral too, as every function's result is in Terraform.",
		Parameters: []function.Parameter{function.StringParameter{Name: "token",
			MarkdownDescription: "The JWT, such as `ephemeral.workiva_token.api.access_token`."}},
		Return: function.DynamicReturn{},
	}
}

// Run implements function.Function.
func (f *JWTClaimsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var token string
	if resp.Error = req.Arguments.Get(ctx, &token); resp.Error != nil {
		return
	}
	claims, err := readClaims(token)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "The token is not a JWT (a signed JSON Web Token in compact form: "+
			"three base64url parts joined by dots, the second a JSON object of claims), so it has no claims to read.")
		return
	}
	resp.Error = resp.Result.Set(ctx, types.DynamicValue(claims))
}

// readClaims parses a JWS (workload.UnverifiedClaims, as every token the
// provider looks at) and returns its claims as a Terraform object, numbers
// exact.
func readClaims(token string) (attr.Value, error) {
	var raw json.RawMessage
	if err := workload.UnverifiedClaims(token, &raw); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		return nil, err
	}
	return claimValue(claims), nil
}

// maxClaimExponent bounds the binary exponent of a claim read as a number
// (2^4096 has 1234 decimal digits, far past any real claim).
const maxClaimExponent = 4096

// claimValue is a JSON value as a Terraform value: an object, a tuple, a
// number (as text when its exponent is past maxClaimExponent), a bool, a
// string; null as a null string.
func claimValue(v any) attr.Value {
	switch x := v.(type) {
	case map[string]any:
		attrTypes, values := map[string]attr.Type{}, map[string]attr.Value{}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			values[k] = claimValue(x[k])
			attrTypes[k] = values[k].Type(context.Background())
		}
		return types.ObjectValueMust(attrTypes, values)
	case []any:
		elemTypes, elems := make([]attr.Type, len(x)), make([]attr.Value, len(x))
		for i, e := range x {
			elems[i] = claimValue(e)
			elemTypes[i] = elems[i].Type(context.Background())
		}
		return types.TupleValueMust(elemTypes, elems)
	case json.Number:
		if f, ok := new(big.Float).SetString(x.String()); ok && f.MantExp(nil) <= maxClaimExponent && f.MantExp(nil) >= -maxClaimExponent {
			return types.NumberValue(f)
		}
		// Terraform's wire writes a number out in full: 1e20000000 would be
		// twenty million digits, and take minutes. Such a claim is text.
		return types.StringValue(x.String())
	case bool:
		return types.BoolValue(x)
	case string:
		return types.StringValue(x)
	}
	return types.StringNull()
}
