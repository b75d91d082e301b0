package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues an OAuth2 access token with the provider's client credentials.\n\n" +
			"~> **The token is stored in the Terraform state and plan files** (marked sensitive, but in clear text " +
			"in the files). Use the `workiva_token` **ephemeral resource** instead wherever the consumer accepts " +
			"ephemeral values (provider configuration, provisioners, write-only arguments); use this data source " +
			"only for consumers that cannot, and protect the state accordingly.\n\n" +
			"A data source is read again in every plan, so the token in state is replaced on each run; it still " +
			"expires after `expires_in` seconds (about 10 minutes for Workiva), which a long apply can outlast.",
		Attributes: dataSourceTokenAttributes(),
	}
}

// Configure implements datasource.DataSourceWithConfigure.
func (d *TokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.Append(unexpectedProviderDataDiagnostic("Data Source", req.ProviderData))
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
		resp.Diagnostics.Append(notConfiguredDiagnostic("data source was read"))
		return
	}
	if d.data.client == nil {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
			return
		}
		resp.Diagnostics.Append(credentialsNotKnownDiagnostic(d.data.pendingReason))
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
