package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

func scopeValidators() []validator.String {
	return []validator.String{
		stringvalidator.RegexMatches(tokenclient.ScopeTokenRE,
			"must be one RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\'; give several scopes as separate elements"),
	}
}

// durationValidator checks that a string is a positive Go duration.
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(context.Context) string {
	return "value must be a positive duration such as \"30s\" or \"2m\""
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a positive duration; use a number with a unit, such as \"30s\", \"90s\" or \"2m\".", req.ConfigValue.ValueString()))
	}
}

// extraParamsValidator refuses extra_params keys that are protocol fields
// or have attributes of their own, before any request.
type extraParamsValidator struct{}

var _ validator.Map = extraParamsValidator{}

func (extraParamsValidator) Description(context.Context) string {
	return "keys must not be " + strings.Join(tokenclient.ReservedParams, ", ")
}

func (v extraParamsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (extraParamsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(req.ConfigValue.Elements())) {
		if slices.Contains(tokenclient.ReservedParams, k) {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Reserved key in extra_params",
				fmt.Sprintf("extra_params has the key %q, which the provider sets itself (a protocol field, or one with its own attribute: "+
					"scope is scopes, audience is audience, resource is resources; the credentials come from the auth_style). Remove it.", k))
		}
	}
}
