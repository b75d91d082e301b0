package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// defaultMinValidity is min_validity when unset: the token cache's reuse
// margin.
const defaultMinValidity = tokenclient.ReuseMargin

// The descriptions of the two forms of workiva_token.
const (
	tokenDataSourceDescription = "Issues an OAuth2 access token of the provider's grant.\n\n" +
		"~> **The token is stored in the Terraform state and plan files** (marked sensitive, but in clear text " +
		"in the files). Use the `workiva_token` **ephemeral resource** instead wherever the consumer accepts " +
		"ephemeral values (provider configuration, provisioners, write-only arguments); use this data source " +
		"only for consumers that cannot, and protect the state accordingly.\n\n" +
		"A data source is read again in every plan, so the token in state is replaced on each run; it still " +
		"expires after `expires_in` seconds (about 10 minutes for Workiva), which a long apply can outlast."

	tokenEphemeralResourceDescription = "Issues an OAuth2 access token of the provider's grant, **without storing it** " +
		"in the Terraform state or plan (Terraform 1.10 or later). Reference it from provider configuration, " +
		"provisioners, `connection` blocks, locals, other ephemeral resources and write-only arguments.\n\n" +
		"Terraform opens ephemeral resources in every phase, so plan and apply each get a token (one per scope set, " +
		"shared by all `workiva_token` in the configuration). A Workiva token lasts about 10 minutes; Terraform cannot " +
		"hand a renewed token to consumers that already received one, so shortly before expiry the provider warns " +
		"when the token in use expires."
)

// tokenSchemaAttributes are workiva_token's attributes in the data source
// (with its notes, dataSource) or in the ephemeral resource, which adds
// revoke_on_close (ephemeralTokenAttributes). Inputs are Optional and
// Computed (Read and Open fill in their defaults); the rest is Computed.
//
//nolint:gosec // documentation text, not credentials
func tokenSchemaAttributes(dataSource bool) map[string]dsschema.Attribute {
	accessToken := "The bearer token, for an `Authorization: Bearer <token>` header."
	if dataSource {
		accessToken += " Sensitive, and stored in state."
	}
	return map[string]dsschema.Attribute{
		"scopes": dsschema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType,
			Validators: []validator.Set{setvalidator.ValueStringsAre(scopeValidators()...)},
			MarkdownDescription: "Scopes to request, such as `file:read`. Defaults to the provider's `scopes`; when neither is set, " +
				"the server grants the API grant's scopes. Tokens are cached per scope set, so every `workiva_token` " +
				"asking for the same scopes shares one token request."},
		"require_scopes": dsschema.BoolAttribute{Optional: true, Computed: true,
			MarkdownDescription: "When `true`, a token granted without one or more of the requested `scopes` is an error that lists the " +
				"missing ones, so a pipeline stops when an API grant lacks a scope it needs. When `false` (the default), " +
				"the token is issued with a warning naming them."},
		"grant": dsschema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			MarkdownDescription: "The name of an entry in the provider's `grants` whose credentials to use. Null: the provider-level credentials " +
				"(the default grant). An unknown name is an error that lists the provider's grants."},
		"min_validity": dsschema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{durationValidator},
			MarkdownDescription: "How long the token handed over must still be valid, as a Go duration such as `60s` or `5m`. A cached token with " +
				"less left is replaced by a new request, so while the server's tokens live longer than this, every token handed over " +
				"has at least this much left. Defaults to `" + defaultMinValidity.String() + "`. When the server's tokens live no " +
				"longer, a warning gives both durations and a fresh token is shared for the first half of its lifetime."},
		"client_id":    dsschema.StringAttribute{Computed: true, MarkdownDescription: "The client id the token was issued to: the grant's."},
		"access_token": dsschema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: accessToken},
		"token_type": dsschema.StringAttribute{Computed: true,
			MarkdownDescription: "The token type the server returned, normally `Bearer` (`N_A` for a token exchange's token that is no access token). " +
				"`DPoP` for a DPoP-bound token (`dpop = true`), which only `workiva_api_proxy` can present: an API takes it with a proof of " +
				"the provider's key for each request."},
		"issued_token_type": dsschema.StringAttribute{Computed: true,
			MarkdownDescription: "The `issued_token_type` of a token exchange's response (RFC 8693), such as " +
				"`urn:ietf:params:oauth:token-type:access_token`. Null for the other grants."},
		"scope": dsschema.StringAttribute{Computed: true,
			MarkdownDescription: "The granted scope exactly as the server returned it (space-separated). The server may grant fewer " +
				"scopes than requested; when it returns no scope, this is the requested scope (RFC 6749 section 5.1)."},
		"granted_scopes": dsschema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "`scope` split on spaces."},
		"expires_in": dsschema.Int64Attribute{Computed: true,
			MarkdownDescription: "Lifetime of the token in seconds, as the server returned it (Workiva: `599`), whether as a JSON number, a JSON " +
				"string or a form value; a lifetime above a year is capped at a year (`31536000`), with a warning. Null when the " +
				"server gave none."},
		"expires_at": dsschema.StringAttribute{Computed: true,
			MarkdownDescription: "RFC 3339 UTC time at which the token expires, counted from when the request was sent. " +
				"Null when the server gave no lifetime or `expires_in` 0 (each with a warning)."},
	}
}

// revokeOnCloseAttribute is the ephemeral resource's own attribute.
var revokeOnCloseAttribute = ephschema.BoolAttribute{Optional: true, Computed: true,
	MarkdownDescription: "When `true`, the token is revoked (RFC 7009) when Terraform closes this ephemeral resource, once no " +
		"other open `workiva_token` holds it, authenticated as at the token endpoint. The revocation endpoint comes from the " +
		"issuer's metadata or `revocation_url`; with neither, this is an error at plan. A token a data source handed over is " +
		"never revoked; a failed revocation is a warning. Workiva's IAM has no revocation endpoint. Defaults to `false`."}

// dataSourceTokenAttributes is the data source's schema of workiva_token.
func dataSourceTokenAttributes() map[string]dsschema.Attribute { return tokenSchemaAttributes(true) }

// ephemeralTokenAttributes is the ephemeral resource's schema of
// workiva_token: the data source's, without the data source's notes, and
// revoke_on_close. The framework's attribute structs are the same in both
// packages, so each is a conversion.
func ephemeralTokenAttributes() map[string]ephschema.Attribute {
	out := map[string]ephschema.Attribute{"revoke_on_close": revokeOnCloseAttribute}
	for name, a := range tokenSchemaAttributes(false) {
		switch v := a.(type) {
		case dsschema.StringAttribute:
			out[name] = ephschema.StringAttribute(v)
		case dsschema.BoolAttribute:
			out[name] = ephschema.BoolAttribute(v)
		case dsschema.Int64Attribute:
			out[name] = ephschema.Int64Attribute(v)
		case dsschema.SetAttribute:
			out[name] = ephschema.SetAttribute(v)
		default:
			panic("workiva_token: an attribute of a kind the ephemeral schema does not convert: " + name)
		}
	}
	return out
}
