package provider

import (
	"context"
	"fmt"
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
