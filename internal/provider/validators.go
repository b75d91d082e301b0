package provider

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// described is a validator's description, in plain text and Markdown
// alike, for the checks below.
type described string

func (d described) Description(context.Context) string { return string(d) }

func (d described) MarkdownDescription(context.Context) string { return string(d) }

// stringCheck is a validator.String made of a description and a check of
// a known, non-null value.
type stringCheck struct {
	described
	check func(at path.Path, value string, diags *diag.Diagnostics)
}

var _ validator.String = stringCheck{}

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() {
		v.check(req.Path, req.ConfigValue.ValueString(), &resp.Diagnostics)
	}
}

func scopeValidators() []validator.String { return []validator.String{scopeValidator} }

// clientIDValidator refuses a client id with the shape of a Workiva client
// secret (redact.HasSecretShape), before anything is sent, without a path:
// Terraform would print the line, the secret on it.
var clientIDValidator = stringCheck{
	described: "must not be a client secret",
	check: func(at path.Path, s string, diags *diag.Diagnostics) {
		if redact.HasSecretShape(s) {
			diags.Append(clientIDIsSecretDiagnostic(defaultGrant, at.String()))
		}
	},
}

// scopeValidator checks that each element of scopes is one RFC 6749 scope
// token, and says what is wrong in the provider's words: an empty scope,
// several scopes in one string (separated by spaces, or by commas, which a
// scope token may hold but servers rarely mean).
var scopeValidator = stringCheck{
	described: "each scope must be one RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\'",
	check: func(at path.Path, s string, diags *diag.Diagnostics) {
		switch {
		case s == "":
			diags.AddAttributeError(at, "Empty scope",
				"A scope is an empty string. Remove it, or give the scope's name, such as \"file:read\".")
		case strings.TrimSpace(s) != "" && len(strings.Fields(s)) > 1:
			diags.AddAttributeError(at, "Several scopes in one string",
				fmt.Sprintf("%q holds several scopes separated by white space; give each as its own element: %s.", s, quotedElements(strings.Fields(s))))
		case !tokenclient.ScopeTokenRE.MatchString(s):
			diags.AddAttributeError(at, "Invalid scope",
				fmt.Sprintf("%q is not an RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\'.", s))
		case strings.Contains(s, ","):
			if parts := strings.Split(s, ","); !slices.Contains(parts, "") {
				diags.AddAttributeWarning(at, "Scope looks like a comma-separated list",
					fmt.Sprintf("%q is sent as one scope, commas included; servers take several scopes as separate elements: %s. "+
						"If the server's scope really holds commas, ignore this warning.", s, quotedElements(parts)))
			}
		}
	},
}

// quotedElements writes values as the elements of an HCL list.
func quotedElements(values []string) string {
	trimmed := make([]string, len(values))
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	return "[" + quoteNames(trimmed) + "]"
}

// endpoints are the endpoint attributes, each checked by the token
// client's own rule (https, or http to loopback; an ASCII host; no user
// info or fragment), at validate time (endpointValidator) and at
// configure (checkEndpoint) alike, so that `terraform validate` reports
// what plan would.
var endpoints = map[string]struct {
	validate func(string) (*url.URL, error)
	described
	// noun names what the URL is, in a diagnostic.
	noun string
}{
	"token_url":      {tokenclient.ValidateTokenURL, "an absolute https URL, or http to a loopback host", "token endpoint"},
	"issuer":         {tokenclient.ValidateIssuer, "an absolute https URL (http to a loopback host) with no query or fragment", "issuer"},
	"revocation_url": {tokenclient.ValidateRevocationURL, "an absolute https URL, or http to a loopback host", "revocation endpoint"},
	"upstream":       {tokenclient.ValidateAPIURL, "an absolute https URL (http to a loopback host) with no query or fragment", "API URL"},
}

// checkEndpoint reports it when raw, the value of endpoint attribute attr
// (from from: the attribute or its environment variable), is not usable.
func checkEndpoint(at path.Path, attr, from, raw string, diags *diag.Diagnostics) {
	if _, err := endpoints[attr].validate(raw); err != nil {
		diags.Append(invalidEndpointDiagnostic(at, attr, from, err))
	}
}

// endpointValidator checks the endpoint attribute attr when it is known
// at validate time.
func endpointValidator(attr string) validator.String {
	return stringCheck{described: endpoints[attr].described, check: func(at path.Path, s string, diags *diag.Diagnostics) {
		checkEndpoint(at, attr, attr, s, diags)
	}}
}

// durationValidator checks that a string is a positive Go duration.
var durationValidator = stringCheck{
	described: "value must be a positive duration such as \"30s\" or \"2m\"",
	check: func(at path.Path, s string, diags *diag.Diagnostics) {
		if d, err := time.ParseDuration(s); err != nil || d <= 0 {
			diags.AddAttributeError(at, "Invalid duration",
				fmt.Sprintf("%q is not a positive duration; use a number with a unit, such as \"30s\", \"90s\" or \"2m\".", s))
		}
	},
}

// mapCheck is a validator.Map made of a description and a check of a
// known, non-null map, as stringCheck is for strings.
type mapCheck struct {
	described
	check func(at path.Path, elems map[string]attr.Value, diags *diag.Diagnostics)
}

var _ validator.Map = mapCheck{}

func (v mapCheck) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() {
		v.check(req.Path, req.ConfigValue.Elements(), &resp.Diagnostics)
	}
}

// extraParamsValidator refuses extra_params keys that are protocol fields
// or have attributes of their own, before any request.
var extraParamsValidator = mapCheck{
	described: described("keys must not be " + strings.Join(tokenclient.ReservedParams, ", ")),
	check: func(at path.Path, elems map[string]attr.Value, diags *diag.Diagnostics) {
		for _, k := range slices.Sorted(maps.Keys(elems)) {
			if slices.Contains(tokenclient.ReservedParams, k) {
				diags.AddAttributeError(at.AtMapKey(k), "Reserved key in extra_params",
					fmt.Sprintf("extra_params has the key %q, which the provider sets itself (a protocol field, or one with its own attribute: "+
						"scope is scopes, audience is audience, resource is resources; the credentials come from the auth_style). Remove it.", k))
			}
		}
	},
}

// workloadSourceValidator checks that a known workload_identity names one
// of the sources.
var workloadSourceValidator = mapCheck{
	described: described("source must be one of " + strings.Join(workload.Kinds, ", ")),
	check: func(at path.Path, elems map[string]attr.Value, diags *diag.Diagnostics) {
		source, ok := elems["source"].(types.String)
		switch {
		case !ok || source.IsNull():
			diags.AddAttributeError(at, "Missing workload_identity.source",
				"workload_identity needs source, one of "+quoteNames(workload.Kinds)+".")
		case source.IsUnknown():
		case !slices.Contains(workload.Kinds, source.ValueString()):
			diags.AddAttributeError(at.AtMapKey("source"), "Invalid workload_identity.source",
				fmt.Sprintf("workload_identity.source is %q; it must be one of %s.", source.ValueString(), quoteNames(workload.Kinds)))
		}
	},
}
