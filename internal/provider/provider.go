// Package provider is the Terraform surface of the Workiva provider: the
// provider schema and configuration, the workiva_token data source and the
// workiva_token ephemeral resource. Fetching tokens is the job of
// internal/tokenclient.
package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// WorkivaProvider is the provider implementation.
type WorkivaProvider struct {
	version string
	// transport replaces the token client's HTTP transport and clock tells
	// the time; both are nil in production (the default transport, the
	// system clock) and injected by tests.
	transport http.RoundTripper
	clock     clock.Clock
}

var (
	_ provider.Provider                       = (*WorkivaProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*WorkivaProvider)(nil)
)

// New returns the provider factory providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &WorkivaProvider{version: version, clock: clock.System()}
	}
}

// providerData is what Configure hands to data sources and ephemeral
// resources: one token client, and so one token cache, per provider
// instance, and the clock.
type providerData struct {
	// client is nil while pendingReason says why (unknown configuration).
	client        *tokenclient.Client
	pendingReason string
	clientID      string
	defaultScopes []string
	clock         clock.Clock
	// scrub knows every credential of this configuration and every token
	// issued to it; see scrub.go.
	scrub *redact.Scrubber
}

// scrubber is the configuration's scrubber; nil (which removes nothing)
// before Configure.
func (d *providerData) scrubber() *redact.Scrubber {
	if d == nil {
		return nil
	}
	return d.scrub
}

// String keeps a credential out of any formatting of the provider's data.
func (d *providerData) String() string {
	if d == nil {
		return "<nil>"
	}
	return "providerData{client id " + d.clientID + "}"
}

// GoString is String, for %#v.
func (d *providerData) GoString() string { return d.String() }

// Metadata implements provider.Provider.
func (p *WorkivaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "workiva"
	resp.Version = p.version
}

// Schema implements provider.Provider.
func (p *WorkivaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exchanges an OAuth2 client-credentials grant (a Workiva API grant, or any RFC 6749 " +
			"client-credentials endpoint) for bearer tokens. The provider authenticates when it is configured, so a " +
			"wrong secret fails `terraform plan` at once; tokens are cached per scope set and shared by every " +
			"`workiva_token` in the configuration.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client id of the API grant. Required here or in the `" + EnvClientID + "` environment variable.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret of the API grant (Workiva shows it once, when the grant's user regenerates it). " +
					"Required here or in the `" + EnvClientSecret + "` environment variable; prefer the variable, so the secret stays out of configuration files.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Workiva region whose IAM endpoint to use: " + quoteList(regionNames) + " (" + regionHostList() + "). " +
					"Defaults to the `" + EnvRegion + "` environment variable, then `" + defaultRegion + "`. Ignored when `token_url` is set.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(regionNames...)},
			},
			"token_url": schema.StringAttribute{
				MarkdownDescription: "Full URL of the token endpoint; overrides `region`. Any RFC 6749 client-credentials endpoint works. " +
					"Must be `https://`, except for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`), which may use `http://`. " +
					"Defaults to the `" + EnvTokenURL + "` environment variable, then `<region host>/oauth2/token`.",
				Optional: true,
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: "Workiva API version sent in the `X-Version` header. Defaults to `" + DefaultAPIVersion + "`, the version of " +
					"`/oauth2/token`. Set `\"\"` to send no header: for the legacy `/iam/v1/oauth2/token` path and for endpoints other than Workiva's.",
				Optional: true,
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "Scopes to request by default, such as `file:read`. Each `workiva_token` may ask for others. " +
					"When no scopes are requested the server grants the API grant's scopes. Each scope is one RFC 6749 scope token: printable ASCII without spaces, `\"` or `\\`.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(scopeValidators()...)},
			},
			"auth_style": schema.StringAttribute{
				MarkdownDescription: "How the client credentials are sent: " + quoteList(tokenclient.AuthStyles) + ". `header` sends an HTTP Basic " +
					"`Authorization` header (Workiva's preferred method); `body` sends `client_id` and `client_secret` as form fields; " +
					"`auto` tries the header and then the body (a wrong secret then costs two requests). Defaults to `header`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(tokenclient.AuthStyles...)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit for each HTTP request to the token endpoint, as a Go duration such as `30s` or `1m`; each retry gets its own. Defaults to `30s`.",
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a token request is retried after HTTP 429, 500, 502, 503, 504 or a connection error, "+
					"with exponential backoff that honours `Retry-After`. `0` disables retries. Defaults to `%d`.", tokenclient.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificates to trust, besides the system's, for the token endpoint's TLS " +
					"certificate: for endpoints behind a private CA or a TLS-inspecting proxy. Proxies are taken from " +
					"`HTTPS_PROXY` and `NO_PROXY`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

// Configure implements provider.Provider: it resolves the configuration
// against the environment, builds the token client and authenticates.
func (p *WorkivaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{clock: clock.OrSystem(p.clock), scrub: &redact.Scrubber{}}
	defer func() { resp.Diagnostics = scrubDiagnostics(resp.Diagnostics, data.scrub) }()
	resp.DataSourceData = data
	resp.EphemeralResourceData = data

	if unknown := unknownAttributes(cfg); len(unknown) > 0 {
		// Values computed during plan: authenticate once they are known.
		data.pendingReason = "the provider attributes " + strings.Join(unknown, ", ") + " are not known until apply"
		tflog.Debug(logContext(ctx, data.scrub), "provider configuration not yet known; authentication deferred", map[string]any{"unknown": unknown})
		return
	}

	settings := resolveSettings(cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data.scrub.AddClientCredentials(settings.client.ClientID, settings.client.ClientSecret)
	ctx = logContext(ctx, data.scrub)

	settings.client.Transport = p.transport
	settings.client.Clock = data.clock
	settings.client.UserAgent = p.userAgent(req.TerraformVersion)
	settings.client.Logger = tflogLogger{}
	settings.client.Redact = data.scrub.Scrub
	client, err := tokenclient.New(settings.client)
	if err != nil {
		resp.Diagnostics.Append(invalidClientConfigDiagnostic(err))
		return
	}
	data.client = client
	data.clientID = settings.client.ClientID
	data.defaultScopes = settings.scopes

	// Authenticate now, so that wrong credentials fail here, once, rather
	// than in every data source and ephemeral resource.
	tok, err := client.Token(ctx, settings.scopes)
	if err != nil {
		resp.Diagnostics.Append(tokenErrorDiagnostic("Authentication failed", err, data.clientID))
		return
	}
	data.scrub.Add(tok.AccessToken, tok.RefreshToken)
	tflog.Debug(ctx, "provider authenticated", map[string]any{"token_url": client.TokenURL()})
}

func (p *WorkivaProvider) userAgent(tfVersion string) string {
	ua := "terraform-provider-workiva/" + p.version
	if tfVersion != "" {
		ua += " (+https://www.terraform.io) Terraform/" + tfVersion
	}
	return ua
}

// Resources implements provider.Provider; this provider manages nothing.
func (p *WorkivaProvider) Resources(context.Context) []func() resource.Resource { return nil }

// DataSources implements provider.Provider.
func (p *WorkivaProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewTokenDataSource}
}

// EphemeralResources implements provider.ProviderWithEphemeralResources.
func (p *WorkivaProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewTokenEphemeralResource}
}
