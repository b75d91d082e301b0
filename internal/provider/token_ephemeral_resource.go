package provider

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
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
	ephemeralConfigured
}

// tokenPrivate is what Open leaves for Renew and Close (never the token
// itself: Lease names the provider's hold on it).
type tokenPrivate struct {
	ExpiresAt time.Time `json:"expires_at"`
	RenewAt   time.Time `json:"renew_at"`
	Lease     string    `json:"lease"`
	Revoke    bool      `json:"revoke"`
	// Scope is the requested scope, which the warnings name the token by
	// (the granted one is the server's text).
	Scope string `json:"scope"`
}

// NewTokenEphemeralResource returns a new workiva_token ephemeral resource.
func NewTokenEphemeralResource() ephemeral.EphemeralResource {
	return &TokenEphemeralResource{}
}

// Metadata implements ephemeral.EphemeralResource.
func (r *TokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// ephemeralConfigured is the provider's data of an ephemeral resource,
// and the Configure that hands it over.
type ephemeralConfigured struct {
	data *providerData
}

// Configure implements ephemeral.EphemeralResourceWithConfigure.
func (r *ephemeralConfigured) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, "Ephemeral Resource", &resp.Diagnostics); data != nil {
		r.data = data
	}
}

// Schema implements ephemeral.EphemeralResource.
func (r *TokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: tokenEphemeralResourceDescription,
		Attributes:          ephemeralTokenAttributes(),
	}
}

// Open implements ephemeral.EphemeralResource.
func (r *TokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	defer func() { resp.Diagnostics = scrubDiagnostics(resp.Diagnostics, r.data.scrubber()) }()
	var e ephemeralTokenModel
	m := &e.tokenModel
	g, ok := readTokenRequest(req.Config, &e, m, r.data, "ephemeral resource was opened", &resp.Diagnostics)
	if !ok {
		return
	}
	if e.RevokeOnClose.IsNull() || e.RevokeOnClose.IsUnknown() {
		e.RevokeOnClose = types.BoolValue(false)
	}
	revoke := e.RevokeOnClose.ValueBool()
	if g.client == nil {
		// Credentials computed during plan: the token is unknown until apply,
		// when Terraform configures the provider with known values.
		unknownToken(g, m)
		setResult(ctx, resp.Result.Set, &e, &resp.Diagnostics)
		return
	}
	if revoke && !g.client.CanRevoke() {
		resp.Diagnostics.Append(noRevocationEndpointDiagnostic(g.name))
		return
	}
	// Every open token is held, so that revoke_on_close waits for the last
	// holder; Close releases the hold.
	tok, ok := issueToken(ctx, r.data, g, m, &resp.Diagnostics, tokenclient.Hold())
	if tok == nil {
		return
	}
	// From here on the token is held: unless Open succeeds (and Terraform
	// will call Close with the lease), the hold is released here.
	lease := ""
	defer func() {
		if resp.Diagnostics.HasError() {
			r.data.leases.take(lease)
			r.release(ctx, g, tok, revoke, &resp.Diagnostics)
		}
	}()
	if !ok {
		return
	}
	setResult(ctx, resp.Result.Set, &e, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	lease = r.data.leases.open(g, tok)
	p := tokenPrivate{ExpiresAt: tok.ExpiresAt, Scope: strings.Join(tok.RequestedScopes, " "), Revoke: revoke, Lease: lease}
	if !tok.ExpiresAt.IsZero() {
		// Renew when the token cache stops handing this token out.
		resp.RenewAt = tok.StaleAt(m.minValidity())
		p.RenewAt = resp.RenewAt
	}
	priv, err := json.Marshal(p)
	if err != nil {
		resp.Diagnostics.AddError("Internal error", "Encoding private data: "+newDisplay(nil).err(err))
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, priv)...)
}

// release ends the hold of an ephemeral token on tok, revoking it when
// asked and it is the last; a failed revocation is a warning.
func (r *TokenEphemeralResource) release(ctx context.Context, g *grant, tok *tokenclient.Token, revoke bool, diags *diag.Diagnostics) {
	outcome, err := g.client.Release(detachedLogContext(ctx), tok, revoke)
	log := tflogLogger{r.data.scrubber()}
	fields := map[string]any{"grant": grantLogName(g.name), "outcome": string(outcome), "revocation_endpoint": g.client.RevocationURL()}
	switch {
	case err != nil:
		diags.Append(revocationFailedWarning(g, err, r.data.scrubber()))
	case outcome == tokenclient.RevokeKept && revoke:
		diags.Append(revocationKeptWarning(g.name))
	case outcome == tokenclient.Revoked:
		log.Debug(ctx, "workiva_token: token revoked", fields)
	case outcome == tokenclient.RevokeHeld:
		log.Debug(ctx, "workiva_token: token still held by another workiva_token; the last to close it revokes it", fields)
	}
}

// Renew implements ephemeral.EphemeralResourceWithRenew. Terraform gives
// Renew no way to hand consumers a new value, so it cannot refresh the
// token; it warns when the token in use expires and what to do about it.
// (Terraform 1.10 and 1.11 drop diagnostics returned by Renew, so the
// warning is also logged, and Close repeats it where Terraform shows it.)
func (r *TokenEphemeralResource) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	defer func() { resp.Diagnostics = scrubDiagnostics(resp.Diagnostics, r.data.scrubber()) }()
	p, ok := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if !ok {
		return
	}
	now := r.now()
	warning := expiryWarning(p, now)
	tflogLogger{r.data.scrubber()}.Warn(ctx, warning.Summary()+": "+warning.Detail(), nil)
	resp.Diagnostics.Append(warning)
	if now.Before(p.ExpiresAt) {
		resp.RenewAt = p.ExpiresAt // once more, at expiry
	}
}

// Close implements ephemeral.EphemeralResourceWithClose. It releases the
// resource's hold on its token, which revoke_on_close revokes once no
// other holder is left, and warns when the token outlived its renewal
// point while Terraform still held it open, that is when consumers may
// have used it after (or just before) it expired.
func (r *TokenEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	defer func() { resp.Diagnostics = scrubDiagnostics(resp.Diagnostics, r.data.scrubber()) }()
	p, ok := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if !ok {
		return
	}
	if r.data != nil {
		switch g, tok := r.data.leases.take(p.Lease); {
		case tok != nil:
			r.release(ctx, g, tok, p.Revoke, &resp.Diagnostics)
		case p.Revoke:
			resp.Diagnostics.Append(revocationLostWarning())
		}
	}
	if now := r.now(); !p.RenewAt.IsZero() && !now.Before(p.RenewAt) {
		resp.Diagnostics.Append(expiryWarning(p, now))
	}
}

// now is the provider's clock (the system clock before Configure).
func (r *TokenEphemeralResource) now() time.Time {
	if r.data == nil {
		return clock.System().Now()
	}
	return r.data.clock.Now()
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
		diags.AddError("Internal error", "Decoding the ephemeral resource's private data: "+newDisplay(nil).err(err))
		return p, false
	}
	return p, true
}
