package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// tokenModel is the schema of workiva_token, shared by the data source and
// the ephemeral resource.
type tokenModel struct {
	Scopes        types.Set    `tfsdk:"scopes"`
	RequireScopes types.Bool   `tfsdk:"require_scopes"`
	AccessToken   types.String `tfsdk:"access_token"`
	TokenType     types.String `tfsdk:"token_type"`
	Scope         types.String `tfsdk:"scope"`
	GrantedScopes types.Set    `tfsdk:"granted_scopes"`
	ExpiresIn     types.Int64  `tfsdk:"expires_in"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
}

// tokenAttributeDescriptions are the attribute descriptions both schemas use.
var tokenAttributeDescriptions = map[string]string{ //nolint:gosec // documentation text, not credentials
	"scopes": "Scopes to request, such as `file:read`. Defaults to the provider's `scopes`; when neither is set, " +
		"the server grants the API grant's scopes. Tokens are cached per scope set, so every `workiva_token` " +
		"asking for the same scopes shares one token request.",
	"require_scopes": "When `true`, a token granted without any of the requested `scopes` is an error that lists the " +
		"missing ones, so a pipeline stops when an API grant lacks a scope it needs. When `false` (the default), " +
		"the token is issued with a warning naming them.",
	"access_token": "The bearer token, for an `Authorization: Bearer <token>` header.",
	"token_type":   "The token type the server returned, normally `Bearer`.",
	"scope": "The granted scope exactly as the server returned it (space-separated). The server may grant fewer " +
		"scopes than requested; when it returns no scope, this is the requested scope (RFC 6749 section 5.1).",
	"granted_scopes": "`scope` split on spaces.",
	"expires_in":     "Lifetime of the token in seconds, as the server returned it (Workiva: `599`). Null when the server gave none.",
	"expires_at": "RFC 3339 UTC time at which the token expires, counted from when the request was sent. " +
		"Null when the server gave no lifetime.",
}

// issueToken fetches (or reuses) the token m asks for and fills m's computed
// attributes. It reports false, with diagnostics, when no token was issued.
func issueToken(ctx context.Context, data *providerData, m *tokenModel, diags *diag.Diagnostics) (*tokenclient.Token, bool) {
	requested := data.defaultScopes
	if !m.Scopes.IsNull() && !m.Scopes.IsUnknown() {
		requested = setStrings(m.Scopes)
	}
	scopes, d := types.SetValueFrom(ctx, types.StringType, nonNil(requested))
	diags.Append(d...)
	m.Scopes = scopes

	if m.RequireScopes.IsNull() || m.RequireScopes.IsUnknown() {
		m.RequireScopes = types.BoolValue(false)
	}

	ctx = maskSecrets(ctx, data.secret)
	tok, err := data.client.Token(ctx, requested)
	if err != nil {
		summary, detail := errorDiagnostic("Token request failed", err, data.clientID)
		diags.AddError(summary, detail)
		return nil, false
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, tok.AccessToken)

	m.AccessToken = types.StringValue(tok.AccessToken)
	m.TokenType = types.StringValue(tok.TokenType)
	m.Scope = types.StringValue(tok.Scope)
	granted, d := types.SetValueFrom(ctx, types.StringType, nonNil(tok.GrantedScopes))
	diags.Append(d...)
	m.GrantedScopes = granted
	m.ExpiresIn = types.Int64Null()
	if tok.HasExpiresIn {
		m.ExpiresIn = types.Int64Value(tok.ExpiresIn)
	}
	m.ExpiresAt = types.StringNull()
	if !tok.ExpiresAt.IsZero() {
		m.ExpiresAt = types.StringValue(tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	tokenWarnings(tok, data.client.TokenURL(), m.RequireScopes.ValueBool(), diags)
	tflog.Debug(ctx, "workiva_token issued", map[string]any{
		"requested_scopes": strings.Join(tok.RequestedScopes, " "), "granted_scope": tok.Scope, "expires_at": m.ExpiresAt.ValueString(),
	})
	return tok, !diags.HasError()
}

// tokenWarnings reports what is unusual about an issued token.
func tokenWarnings(tok *tokenclient.Token, tokenURL string, requireScopes bool, diags *diag.Diagnostics) {
	if missing := tokenclient.MissingScopes(tok.RequestedScopes, tok.GrantedScopes); len(missing) > 0 && tok.ScopeReturned {
		detail := fmt.Sprintf("The server at %s granted %q; missing from the requested scopes: %s. API requests that need "+
			"them will be refused. Check the scopes of the API grant (Workiva: Organization Admin > Security > Provisioning).",
			tokenURL, tok.Scope, strings.Join(missing, ", "))
		if requireScopes {
			diags.AddAttributeError(path.Root("scopes"), "Token granted without required scopes", detail+" (require_scopes is true.)")
		} else {
			diags.AddAttributeWarning(path.Root("scopes"), "Token granted with fewer scopes than requested",
				detail+" Set require_scopes = true to make this an error.")
		}
	}
	if !tok.HasExpiresIn {
		diags.AddAttributeWarning(path.Root("expires_at"), "Token lifetime unknown",
			"The token response carried no expires_in, so expires_at is null. Treat the token as short-lived.")
	}
	if tok.TokenType != "" && !strings.EqualFold(tok.TokenType, "Bearer") {
		diags.AddAttributeWarning(path.Root("token_type"), "Token type is not Bearer",
			fmt.Sprintf("The server returned token_type %q. Consumers that send \"Authorization: Bearer\" may be refused.", tok.TokenType))
	}
}

// unknownToken fills the computed attributes with unknown values, for
// ephemeral resources opened before the provider's credentials are known.
func unknownToken(ctx context.Context, data *providerData, m *tokenModel, diags *diag.Diagnostics) {
	if m.Scopes.IsNull() {
		scopes, d := types.SetValueFrom(ctx, types.StringType, nonNil(data.defaultScopes))
		diags.Append(d...)
		m.Scopes = scopes
	}
	if m.RequireScopes.IsNull() {
		m.RequireScopes = types.BoolValue(false)
	}
	m.AccessToken = types.StringUnknown()
	m.TokenType = types.StringUnknown()
	m.Scope = types.StringUnknown()
	m.GrantedScopes = types.SetUnknown(types.StringType)
	m.ExpiresIn = types.Int64Unknown()
	m.ExpiresAt = types.StringUnknown()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
