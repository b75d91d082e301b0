package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ ephemeral.EphemeralResource              = (*TokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*TokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithRenew     = (*TokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*TokenEphemeralResource)(nil)
)

// privateKey is the key of the ephemeral resource's private data.
const privateKey = "token"

// TokenEphemeralResource is the workiva_token ephemeral resource.
type TokenEphemeralResource struct {
	data *providerData
	now  func() time.Time
}

// tokenPrivate is what Open leaves for Renew (never the token itself).
type tokenPrivate struct {
	ExpiresAt time.Time `json:"expires_at"`
	RenewAt   time.Time `json:"renew_at"`
	Scope     string    `json:"scope"`
}

// NewTokenEphemeralResource returns a new workiva_token ephemeral resource.
func NewTokenEphemeralResource() ephemeral.EphemeralResource {
	return &TokenEphemeralResource{now: time.Now}
}

// Metadata implements ephemeral.EphemeralResource.
func (r *TokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// Schema implements ephemeral.EphemeralResource.
func (r *TokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	desc := tokenAttributeDescriptions
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues an OAuth2 access token with the provider's client credentials, **without storing it** " +
			"in the Terraform state or plan (Terraform 1.10 or later). Reference it from provider configuration, " +
			"provisioners, `connection` blocks, locals, other ephemeral resources and write-only arguments.\n\n" +
			"Terraform opens ephemeral resources in every phase, so plan and apply each get a token (one per scope set, " +
			"shared by all `workiva_token` in the configuration). A Workiva token lasts about 10 minutes; Terraform cannot " +
			"hand a renewed token to consumers that already received one, so shortly before expiry the provider warns " +
			"when the token in use expires.",
		Attributes: map[string]schema.Attribute{
			"scopes": schema.SetAttribute{
				MarkdownDescription: desc["scopes"],
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(scopeValidators()...)},
			},
			"require_scopes": schema.BoolAttribute{MarkdownDescription: desc["require_scopes"], Optional: true, Computed: true},
			"access_token":   schema.StringAttribute{MarkdownDescription: desc["access_token"], Computed: true, Sensitive: true},
			"token_type":     schema.StringAttribute{MarkdownDescription: desc["token_type"], Computed: true},
			"scope":          schema.StringAttribute{MarkdownDescription: desc["scope"], Computed: true},
			"granted_scopes": schema.SetAttribute{MarkdownDescription: desc["granted_scopes"], ElementType: types.StringType, Computed: true},
			"expires_in":     schema.Int64Attribute{MarkdownDescription: desc["expires_in"], Computed: true},
			"expires_at":     schema.StringAttribute{MarkdownDescription: desc["expires_at"], Computed: true},
		},
	}
}

// Configure implements ephemeral.EphemeralResourceWithConfigure.
func (r *TokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Ephemeral Resource Configure Type",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	r.data = data
}

// Open implements ephemeral.EphemeralResource.
func (r *TokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	m := readTokenConfig(req.Config.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The workiva provider was not configured before the ephemeral resource was opened. Please report this issue to the provider developers.")
		return
	}
	if r.data.client == nil {
		// Credentials computed during plan: the token is unknown until apply,
		// when Terraform configures the provider with known values.
		unknownToken(r.data, &m)
		if obj := m.object(&resp.Diagnostics); !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(resp.Result.Set(ctx, obj)...)
		}
		return
	}
	tok, ok := issueToken(ctx, r.data, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	if obj := m.object(&resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Result.Set(ctx, obj)...)
	}
	if resp.Diagnostics.HasError() || tok.ExpiresAt.IsZero() {
		return
	}
	// Renew when the token cache stops handing this token out.
	resp.RenewAt = tok.StaleAt()
	priv, err := json.Marshal(tokenPrivate{ExpiresAt: tok.ExpiresAt, RenewAt: resp.RenewAt, Scope: tok.Scope})
	if err != nil {
		resp.Diagnostics.AddError("Internal error", "Encoding private data: "+err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, priv)...)
}

// Renew implements ephemeral.EphemeralResourceWithRenew. Terraform gives
// Renew no way to hand consumers a new value, so it cannot refresh the
// token; it warns when the token in use expires and what to do about it.
// (Terraform 1.10 and 1.11 drop diagnostics returned by Renew, so the
// warning is also logged, and Close repeats it where Terraform shows it.)
func (r *TokenEphemeralResource) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	p, ok := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if !ok {
		return
	}
	summary, detail := expiryWarning(p, r.now())
	tflog.Warn(ctx, summary+": "+detail)
	resp.Diagnostics.AddWarning(summary, detail)
	if r.now().Before(p.ExpiresAt) {
		resp.RenewAt = p.ExpiresAt // once more, at expiry
	}
}

// Close implements ephemeral.EphemeralResourceWithClose. There is nothing
// to revoke; it warns when the token outlived its renewal point while
// Terraform still held it open, that is when consumers may have used it
// after (or just before) it expired.
func (r *TokenEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	p, ok := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if !ok || r.now().Before(p.RenewAt) {
		return
	}
	summary, detail := expiryWarning(p, r.now())
	resp.Diagnostics.AddWarning(summary, detail)
}

type privateGetter interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}

func readPrivate(ctx context.Context, priv privateGetter, diags *diag.Diagnostics) (tokenPrivate, bool) {
	var p tokenPrivate
	if priv == nil {
		return p, false
	}
	raw, d := priv.GetKey(ctx, privateKey)
	diags.Append(d...)
	if diags.HasError() || len(raw) == 0 {
		return p, false
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		diags.AddError("Internal error", "Decoding the ephemeral resource's private data: "+err.Error())
		return p, false
	}
	return p, true
}

// expiryWarning says when the token handed to consumers expires (or
// expired) and what to do about it.
func expiryWarning(p tokenPrivate, now time.Time) (string, string) {
	at := p.ExpiresAt.UTC().Format(time.RFC3339)
	if now.Before(p.ExpiresAt) {
		return "Workiva token expires soon",
			fmt.Sprintf("The access token (scope %q) that this run handed to its consumers expires at %s, in %s. "+
				"Terraform cannot give them a new token during this run: operations that use it after that time will "+
				"be refused with HTTP 401. If this run needs longer, split it into shorter applies (for example with "+
				"-target) or move the long-running work out of the apply.",
				p.Scope, at, p.ExpiresAt.Sub(now).Round(time.Second))
	}
	return "Workiva token expired during this run",
		fmt.Sprintf("The access token (scope %q) that this run handed to its consumers expired at %s, %s before "+
			"Terraform finished with it. Operations that used it after that time were refused (HTTP 401) and may "+
			"need to run again: run terraform apply again for a fresh token, and split long runs into shorter applies.",
			p.Scope, at, now.Sub(p.ExpiresAt).Round(time.Second))
}
