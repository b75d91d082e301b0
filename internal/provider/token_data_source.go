package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// TokenDataSource is the workiva_token data source.
type TokenDataSource struct {
	data *providerData
}

var (
	_ datasource.DataSource              = (*TokenDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*TokenDataSource)(nil)
)

// NewTokenDataSource returns a new workiva_token data source.
func NewTokenDataSource() datasource.DataSource { return &TokenDataSource{} }

// Metadata implements datasource.DataSource.
func (d *TokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// Schema implements datasource.DataSource.
func (d *TokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: tokenDataSourceDescription,
		Attributes:          dataSourceTokenAttributes(),
	}
}

// Configure implements datasource.DataSourceWithConfigure.
func (d *TokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, "Data Source", &resp.Diagnostics); data != nil {
		d.data = data
	}
}

// Read implements datasource.DataSource.
func (d *TokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer func() { resp.Diagnostics = scrubDiagnostics(resp.Diagnostics, d.data.scrubber()) }()
	var m tokenModel
	g, ok := readTokenRequest(req.Config, &m, &m, d.data, "data source was read", &resp.Diagnostics)
	switch {
	case !ok:
		return
	case g.client == nil && req.ClientCapabilities.DeferralAllowed:
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
		return
	case g.client == nil:
		resp.Diagnostics.Append(credentialsNotKnownDiagnostic(g.pendingReason))
		return
	}
	// Kept: the token goes to state, so it is never revoked (revoke_on_close).
	if _, ok := issueToken(ctx, d.data, g, &m, &resp.Diagnostics, tokenclient.Keep()); !ok {
		return
	}
	setResult(ctx, resp.State.Set, &m, &resp.Diagnostics)
}
