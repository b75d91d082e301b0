package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// tokenModel is workiva_token as the data source has it (its schema:
// tokenSchemaAttributes); ephemeralTokenModel adds the ephemeral
// resource's own attribute.
type tokenModel struct {
	redact.Unprintable
	Scopes          types.Set    `tfsdk:"scopes"`
	RequireScopes   types.Bool   `tfsdk:"require_scopes"`
	Grant           types.String `tfsdk:"grant"`
	MinValidity     types.String `tfsdk:"min_validity"`
	ClientID        types.String `tfsdk:"client_id"`
	AccessToken     types.String `tfsdk:"access_token"`
	TokenType       types.String `tfsdk:"token_type"`
	IssuedTokenType types.String `tfsdk:"issued_token_type"`
	Scope           types.String `tfsdk:"scope"`
	GrantedScopes   types.Set    `tfsdk:"granted_scopes"`
	ExpiresIn       types.Int64  `tfsdk:"expires_in"`
	ExpiresAt       types.String `tfsdk:"expires_at"`
}

// ephemeralTokenModel is workiva_token as the ephemeral resource has it.
type ephemeralTokenModel struct {
	tokenModel
	RevokeOnClose types.Bool `tfsdk:"revoke_on_close"`
}

// providerDataFrom is the provider's data as Configure hands it to a
// workiva_token; nil, with a diagnostic for any other type.
func providerDataFrom(v any, what string, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.Append(unexpectedProviderDataDiagnostic(what, v))
	}
	return data
}

// readTokenRequest reads a workiva_token's configuration into target (a
// *tokenModel or *ephemeralTokenModel, whose tokenModel is m; readModel),
// checks
// that the provider was configured and finds the grant it asks for; it
// reports false, with diagnostics, when the token cannot be requested.
func readTokenRequest(config tfsdk.Config, target any, m *tokenModel, data *providerData, what string, diags *diag.Diagnostics) (*grant, bool) {
	if err := readModel(config.Raw, target); err != nil {
		diags.AddError("Internal error", "Reading the workiva_token configuration: "+newDisplay(nil).err(err))
		return nil, false
	}
	if data == nil {
		diags.Append(notConfiguredDiagnostic(what))
		return nil, false
	}
	g, d := data.lookup(m.Grant)
	if d != nil {
		diags.Append(d)
		return nil, false
	}
	return g, true
}

// minValidity is m's min_validity, or its default.
func (m *tokenModel) minValidity() time.Duration {
	if m.MinValidity.IsNull() || m.MinValidity.IsUnknown() {
		m.MinValidity = types.StringValue(defaultMinValidity.String())
	}
	return minValidityOf(m.MinValidity)
}

// minValidityOf is a min_validity setting (workiva_token's,
// workiva_api_proxy's) as a duration: defaultMinValidity when it is unset
// or unusable (its validator has said so already).
func minValidityOf(v types.String) time.Duration {
	d, err := time.ParseDuration(v.ValueString())
	if err != nil || d <= 0 {
		return defaultMinValidity
	}
	return d
}

// scopesOf is the scopes a consumer of g asks for: its own, else g's.
func (g *grant) scopesOf(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return g.defaultScopes
	}
	return setStrings(s)
}

// stringSet builds a known set of strings.
func stringSet(vs []string) types.Set {
	elems := make([]attr.Value, len(vs))
	for i, v := range vs {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// setStrings returns the elements of a known set of strings as normalised
// scopes; nil for a null or unknown set.
func setStrings(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(s.Elements()))
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return tokenclient.NormalizeScopes(out)
}

// issueToken fetches (or reuses) the token m asks for and fills m's computed
// attributes. It reports false, with diagnostics, when no token was issued
// or it is not to be used (require_scopes); the token is returned then too
// when there is one, so that a hold on it can be released.
//
// opts are more options of the token cache (tokenclient.Hold).
func issueToken(ctx context.Context, data *providerData, g *grant, m *tokenModel, diags *diag.Diagnostics, opts ...tokenclient.Option) (*tokenclient.Token, bool) {
	requested := g.scopesOf(m.Scopes)
	m.Scopes = stringSet(requested)
	if m.RequireScopes.IsNull() || m.RequireScopes.IsUnknown() {
		m.RequireScopes = types.BoolValue(false)
	}

	minValidity := m.minValidity()
	var reused bool
	tok, err := g.client.Token(ctx, requested, append(opts, tokenclient.MinValidity(minValidity), tokenclient.Reused(&reused))...)
	if err != nil {
		diags.Append(tokenErrorDiagnostic(grantSummary("Token request failed", g.name), err, g, data.scrub))
		return nil, false
	}
	m.ClientID = types.StringValue(g.clientID)
	data.scrub.Add(tok.AccessToken, tok.RefreshToken)

	m.AccessToken = types.StringValue(tok.AccessToken)
	// What the server said, as the data Terraform stores.
	m.TokenType = types.StringValue(tok.TokenType.Data())
	m.IssuedTokenType = types.StringNull()
	if !tok.IssuedTokenType.IsZero() {
		m.IssuedTokenType = types.StringValue(tok.IssuedTokenType.Data())
	}
	m.Scope = types.StringValue(tok.Scope.Data())
	granted := make([]attr.Value, len(tok.GrantedScopes))
	for i, s := range tok.GrantedScopes {
		granted[i] = types.StringValue(s.Data())
	}
	m.GrantedScopes = types.SetValueMust(types.StringType, granted)
	m.ExpiresIn = types.Int64Null()
	if tok.HasExpiresIn() {
		m.ExpiresIn = types.Int64Value(tok.ExpiresIn)
	}
	m.ExpiresAt = types.StringNull()
	if !tok.ExpiresAt.IsZero() {
		m.ExpiresAt = types.StringValue(tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	// require_scopes decides whether a narrowed grant fails the read.
	if missing := tok.MissingScopes(); len(missing) > 0 && tok.ScopeReturned {
		diags.Append(narrowedScopeDiagnostic(tok, g.client.TokenURL(), g.hint, missing, m.RequireScopes.ValueBool(), data.scrub))
	}
	tokenWarnings(tok, g.client.TokenURL(), data.scrub, diags)
	if tok.ShorterThan(minValidity) {
		diags.Append(shortLifetimeWarning(tok.ExpiresAt.Sub(tok.IssuedAt).Round(time.Second), minValidity))
	}
	msg := "workiva_token: token issued"
	if reused {
		msg = "workiva_token: cached token reused"
	}
	tflogLogger{data.scrub}.Debug(ctx, msg, map[string]any{"grant": grantLogName(g.name), "client_id": g.clientID,
		"requested_scopes": strings.Join(tok.RequestedScopes, " "), "granted_scope": tok.Scope, "expires_at": m.ExpiresAt.ValueString(),
	})
	return tok, !diags.HasError()
}

// unknownToken fills the computed attributes with unknown values, for
// ephemeral resources opened before the provider's credentials are known.
func unknownToken(g *grant, m *tokenModel) {
	m.minValidity()
	if m.Scopes.IsNull() {
		m.Scopes = stringSet(g.defaultScopes)
	}
	if m.RequireScopes.IsNull() {
		m.RequireScopes = types.BoolValue(false)
	}
	m.ClientID, m.AccessToken, m.TokenType, m.IssuedTokenType = types.StringUnknown(), types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	m.Scope, m.ExpiresAt, m.ExpiresIn = types.StringUnknown(), types.StringUnknown(), types.Int64Unknown()
	m.GrantedScopes = types.SetUnknown(types.StringType)
}

// setResult writes the tagged model src points at (objectOf) through set
// (State.Set, Result.Set).
func setResult(ctx context.Context, set func(context.Context, any) diag.Diagnostics, src any, diags *diag.Diagnostics) {
	obj, err := objectOf(src)
	if err != nil {
		diags.AddError("Internal error", "Writing the workiva_token result: "+newDisplay(nil).err(err))
		return
	}
	diags.Append(set(ctx, obj)...)
}
