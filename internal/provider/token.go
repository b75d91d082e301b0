package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// tokenModel is workiva_token, shared by the data source and the ephemeral
// resource. Its attributes are described in tokenAttributes.
// It carries no tfsdk tags: it is read and written through the table, not by
// the framework's reflection.
type tokenModel struct {
	Scopes, GrantedScopes                    types.Set
	RequireScopes, RevokeOnClose             types.Bool
	Grant, MinValidity, ClientID             types.String
	AccessToken, TokenType, Scope, ExpiresAt types.String
	IssuedTokenType                          types.String
	ExpiresIn                                types.Int64
}

// String keeps the access token out of any formatting of a tokenModel, by
// value or by pointer.
func (m tokenModel) String() string {
	return "tokenModel{scope " + m.Scope.String() + ", expires_at " + m.ExpiresAt.String() + "}"
}

// GoString is String, for %#v.
func (m tokenModel) GoString() string { return m.String() }

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

// readTokenRequest reads a workiva_token's configuration, checks that the
// provider was configured and finds the grant it asks for; it reports
// false, with diagnostics, when the token cannot be requested.
func readTokenRequest(raw tftypes.Value, data *providerData, what string, diags *diag.Diagnostics) (tokenModel, *grant, bool) {
	m := readTokenConfig(raw, diags)
	if diags.HasError() {
		return m, nil, false
	}
	if data == nil {
		diags.Append(notConfiguredDiagnostic(what))
		return m, nil, false
	}
	g, d := data.lookup(m.Grant)
	if d != nil {
		diags.Append(d)
		return m, nil, false
	}
	return m, g, true
}

// minValidity is m's min_validity, or its default.
func (m *tokenModel) minValidity() time.Duration {
	if m.MinValidity.IsNull() || m.MinValidity.IsUnknown() {
		m.MinValidity = types.StringValue(defaultMinValidity.String())
		return defaultMinValidity
	}
	d, err := time.ParseDuration(m.MinValidity.ValueString())
	if err != nil || d <= 0 { // the validator has said so already
		return defaultMinValidity
	}
	return d
}

// readTokenConfig reads the inputs of workiva_token straight from the
// configuration's Terraform value. The framework's Config.Get (struct
// reflection compiles a regular expression per field on every call) and
// GetAttribute (a schema walk per attribute) were most of the provider's
// own CPU time per read; see BENCHMARKS.md.
func readTokenConfig(raw tftypes.Value, diags *diag.Diagnostics) tokenModel {
	var m tokenModel
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		diags.AddError("Internal error", "Reading the workiva_token configuration: "+newShower(nil).err(err))
		return m
	}
	for _, a := range tokenAttributes {
		if _, ok := attrs[a.name]; !ok || !a.input {
			continue // not an input, or the ephemeral resource's own
		}
		if err := readInput(attrs[a.name], a.field(&m)); err != nil {
			diags.AddAttributeError(path.Root(a.name), "Internal error", "Reading "+a.name+": "+newShower(nil).err(err))
			return m
		}
	}
	return m
}

// readInput sets a model field from a configuration value.
func readInput(v tftypes.Value, field any) error {
	switch p := field.(type) {
	case *types.Set:
		*p = types.SetNull(types.StringType)
		if !v.IsKnown() {
			*p = types.SetUnknown(types.StringType)
			return nil
		}
		if v.IsNull() {
			return nil
		}
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		values := make([]attr.Value, 0, len(elems))
		for _, e := range elems {
			if !e.IsKnown() {
				*p = types.SetUnknown(types.StringType)
				return nil
			}
			var s string
			if err := e.As(&s); err != nil {
				return err
			}
			values = append(values, types.StringValue(s))
		}
		*p = types.SetValueMust(types.StringType, values)
	case *types.Bool:
		*p = types.BoolNull()
		if !v.IsKnown() {
			*p = types.BoolUnknown()
			return nil
		}
		return readScalar(v, func(b bool) { *p = types.BoolValue(b) })
	case *types.String:
		*p = types.StringNull()
		if !v.IsKnown() {
			*p = types.StringUnknown()
			return nil
		}
		return readScalar(v, func(s string) { *p = types.StringValue(s) })
	}
	return nil
}

// readScalar hands a known, non-null configuration value to set.
func readScalar[T bool | string](v tftypes.Value, set func(T)) error {
	if v.IsNull() {
		return nil
	}
	var x T
	if err := v.As(&x); err != nil {
		return err
	}
	set(x)
	return nil
}

// object is m as a types.Object, which State.Set and Result.Set take
// without reflection.
//
// ephemeral says which form of workiva_token it is (tokenAttribute.ephemeral).
func (m tokenModel) object(ephemeral bool, diags *diag.Diagnostics) types.Object {
	values := make(map[string]attr.Value, len(tokenAttributes))
	for _, a := range tokenAttributes {
		if !a.ephemeral || ephemeral {
			values[a.name] = valueOf(a.field(&m))
		}
	}
	obj, d := types.ObjectValue(tokenAttrTypes[ephemeral], values)
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
	requested := g.defaultScopes
	if !m.Scopes.IsNull() && !m.Scopes.IsUnknown() {
		requested = setStrings(m.Scopes)
	}
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
	for _, a := range tokenAttributes {
		if a.input {
			continue
		}
		switch p := a.field(m).(type) {
		case *types.String:
			*p = types.StringUnknown()
		case *types.Bool:
			*p = types.BoolUnknown()
		case *types.Int64:
			*p = types.Int64Unknown()
		case *types.Set:
			*p = types.SetUnknown(types.StringType)
		}
	}
}
