package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*TokenDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*TokenDataSource)(nil)
)

// TokenDataSource is the workiva_token data source.
type TokenDataSource struct {
	data *providerData
}

// NewTokenDataSource returns a new workiva_token data source.
func NewTokenDataSource() datasource.DataSource { return &TokenDataSource{} }

// Metadata implements datasource.DataSource.
func (d *TokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// Schema implements datasource.DataSource.
func (d *TokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	desc := tokenAttributeDescriptions
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues an OAuth2 access token with the provider's client credentials.\n\n" +
			"~> **The token is stored in the Terraform state and plan files** (marked sensitive, but in clear text " +
			"in the files). Use the `workiva_token` **ephemeral resource** instead wherever the consumer accepts " +
			"ephemeral values (provider configuration, provisioners, write-only arguments); use this data source " +
			"only for consumers that cannot, and protect the state accordingly.\n\n" +
			"A data source is read again in every plan, so the token in state is replaced on each run; it still " +
			"expires after `expires_in` seconds (about 10 minutes for Workiva), which a long apply can outlast.",
		Attributes: map[string]schema.Attribute{
			"scopes": schema.SetAttribute{
				MarkdownDescription: desc["scopes"],
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(scopeValidators()...)},
			},
			"require_scopes": schema.BoolAttribute{MarkdownDescription: desc["require_scopes"], Optional: true, Computed: true},
			"access_token":   schema.StringAttribute{MarkdownDescription: desc["access_token"] + " Sensitive, and stored in state.", Computed: true, Sensitive: true},
			"token_type":     schema.StringAttribute{MarkdownDescription: desc["token_type"], Computed: true},
			"scope":          schema.StringAttribute{MarkdownDescription: desc["scope"], Computed: true},
			"granted_scopes": schema.SetAttribute{MarkdownDescription: desc["granted_scopes"], ElementType: types.StringType, Computed: true},
			"expires_in":     schema.Int64Attribute{MarkdownDescription: desc["expires_in"], Computed: true},
			"expires_at":     schema.StringAttribute{MarkdownDescription: desc["expires_at"], Computed: true},
		},
	}
}

// Configure implements datasource.DataSourceWithConfigure.
func (d *TokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Data Source Configure Type",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.data = data
}

// Read implements datasource.DataSource.
func (d *TokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m := readTokenConfig(req.Config.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The workiva provider was not configured before the data source was read. Please report this issue to the provider developers.")
		return
	}
	if d.data.client == nil {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
			return
		}
		resp.Diagnostics.AddError("Provider credentials not known yet",
			"The data source cannot be read during plan because "+d.data.pendingReason+". "+
				"Make the provider's credentials known at plan time (variables or environment), apply the resources "+
				"they come from first with -target, or use the workiva_token ephemeral resource, which waits for apply.")
		return
	}
	if _, ok := issueToken(ctx, d.data, &m, &resp.Diagnostics); !ok {
		return
	}
	obj := m.object(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, obj)...)
}
