package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

// tokenAttrTypes are the attribute types of tokenModel.
var tokenAttrTypes = map[string]attr.Type{
	"scopes":         types.SetType{ElemType: types.StringType},
	"require_scopes": types.BoolType,
	"access_token":   types.StringType,
	"token_type":     types.StringType,
	"scope":          types.StringType,
	"granted_scopes": types.SetType{ElemType: types.StringType},
	"expires_in":     types.Int64Type,
	"expires_at":     types.StringType,
}

// readTokenConfig reads the inputs of workiva_token straight from the
// configuration's Terraform value. The framework's Config.Get (struct
// reflection compiles a regular expression per field on every call) and
// GetAttribute (a schema walk per attribute) were most of the provider's
// own CPU time per read; see BENCHMARKS.md.
func readTokenConfig(raw tftypes.Value, diags *diag.Diagnostics) tokenModel {
	m := tokenModel{Scopes: types.SetNull(types.StringType), RequireScopes: types.BoolNull()}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		diags.AddError("Internal error", "Reading the workiva_token configuration: "+err.Error())
		return m
	}
	if v := attrs["scopes"]; !v.IsKnown() {
		m.Scopes = types.SetUnknown(types.StringType)
	} else if !v.IsNull() {
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			diags.AddAttributeError(path.Root("scopes"), "Internal error", "Reading scopes: "+err.Error())
			return m
		}
		scopes := make([]attr.Value, 0, len(elems))
		for _, e := range elems {
			if !e.IsKnown() {
				m.Scopes = types.SetUnknown(types.StringType)
				break
			}
			var s string
			if err := e.As(&s); err != nil {
				diags.AddAttributeError(path.Root("scopes"), "Internal error", "Reading scopes: "+err.Error())
				return m
			}
			scopes = append(scopes, types.StringValue(s))
		}
		if !m.Scopes.IsUnknown() {
			m.Scopes = types.SetValueMust(types.StringType, scopes)
		}
	}
	if v := attrs["require_scopes"]; !v.IsKnown() {
		m.RequireScopes = types.BoolUnknown()
	} else if !v.IsNull() {
		var b bool
		if err := v.As(&b); err != nil {
			diags.AddAttributeError(path.Root("require_scopes"), "Internal error", "Reading require_scopes: "+err.Error())
			return m
		}
		m.RequireScopes = types.BoolValue(b)
	}
	return m
}

// object is m as a types.Object, which State.Set and Result.Set take
// without reflection.
func (m tokenModel) object(diags *diag.Diagnostics) types.Object {
	obj, d := types.ObjectValue(tokenAttrTypes, map[string]attr.Value{
		"scopes":         m.Scopes,
		"require_scopes": m.RequireScopes,
		"access_token":   m.AccessToken,
		"token_type":     m.TokenType,
		"scope":          m.Scope,
		"granted_scopes": m.GrantedScopes,
		"expires_in":     m.ExpiresIn,
		"expires_at":     m.ExpiresAt,
	})
	diags.Append(d...)
	return obj
}

// stringSet builds a known set of strings.
func stringSet(vs []string) types.Set {
	elems := make([]attr.Value, len(vs))
	for i, v := range vs {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
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
	m.Scopes = stringSet(requested)

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
	m.GrantedScopes = stringSet(tok.GrantedScopes)
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
func unknownToken(data *providerData, m *tokenModel) {
	if m.Scopes.IsNull() {
		m.Scopes = stringSet(data.defaultScopes)
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
