// Package provider is the Terraform surface of the Workiva provider: the
// provider schema and configuration, the workiva_token data source and the
// workiva_token ephemeral resource. Fetching tokens is the job of
// internal/tokenclient.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// Environment variables the provider reads when an attribute is not set.
const (
	EnvClientID     = "WORKIVA_CLIENT_ID"
	EnvClientSecret = "WORKIVA_CLIENT_SECRET" //nolint:gosec // the variable's name, not a credential
	EnvRegion       = "WORKIVA_REGION"
	EnvTokenURL     = "WORKIVA_TOKEN_URL" //nolint:gosec // the variable's name, not a credential
)

// DefaultAPIVersion is the Workiva API version sent as X-Version.
const DefaultAPIVersion = "2026-01-01"

// Regions maps each Workiva region to its API host; DefaultRegion is used
// when none is configured.
var (
	regionNames = []string{"us", "eu", "apac"}
	regionHosts = map[string]string{
		"us":   "https://api.app.wdesk.com",
		"eu":   "https://api.eu.wdesk.com",
		"apac": "https://api.apac.wdesk.com",
	}
)

// DefaultRegion is the region used when neither region nor WORKIVA_REGION is set.
const DefaultRegion = "us"

// RegionTokenURL returns the current token endpoint of a region.
func RegionTokenURL(region string) string { return regionHosts[region] + "/oauth2/token" }

// Options are test hooks that no user-visible attribute reaches.
type Options struct {
	// Transport replaces the HTTP transport of the token client (record and
	// replay, fault injection).
	Transport http.RoundTripper
}

var (
	_ provider.Provider                       = (*WorkivaProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*WorkivaProvider)(nil)
)

// WorkivaProvider is the provider implementation.
type WorkivaProvider struct {
	version string
	opts    Options
}

// providerModel maps the provider schema.
type providerModel struct {
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	Region         types.String `tfsdk:"region"`
	TokenURL       types.String `tfsdk:"token_url"`
	APIVersion     types.String `tfsdk:"api_version"`
	Scopes         types.Set    `tfsdk:"scopes"`
	AuthStyle      types.String `tfsdk:"auth_style"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	CACertPEM      types.String `tfsdk:"ca_cert_pem"`
}

// New returns the provider factory providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return NewWithOptions(version, Options{})
}

// NewWithOptions is New with test hooks.
func NewWithOptions(version string, opts Options) func() provider.Provider {
	return func() provider.Provider {
		return &WorkivaProvider{version: version, opts: opts}
	}
}

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
					"Defaults to the `" + EnvRegion + "` environment variable, then `" + DefaultRegion + "`. Ignored when `token_url` is set.",
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

	data := &providerData{}
	resp.DataSourceData = data
	resp.EphemeralResourceData = data

	if unknown := unknownAttributes(cfg); len(unknown) > 0 {
		// Values computed during plan: authenticate once they are known.
		data.pendingReason = "the provider attributes " + strings.Join(unknown, ", ") + " are not known until apply"
		tflog.Debug(ctx, "provider configuration not yet known; authentication deferred", map[string]any{"unknown": unknown})
		return
	}

	settings := resolveSettings(cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskSecrets(ctx, settings.client.ClientSecret)

	settings.client.Transport = p.opts.Transport
	settings.client.UserAgent = p.userAgent(req.TerraformVersion)
	settings.client.Logger = tflogLogger{}
	client, err := tokenclient.New(settings.client)
	if err != nil {
		attr := path.Root("token_url")
		if errors.Is(err, tokenclient.ErrNoCertificates) {
			attr = path.Root("ca_cert_pem")
		}
		resp.Diagnostics.AddAttributeError(attr, "Invalid provider configuration", err.Error())
		return
	}
	data.client = client
	data.clientID = settings.client.ClientID
	data.secret = settings.client.ClientSecret
	data.defaultScopes = settings.scopes

	// Authenticate now, so that wrong credentials fail here, once, rather
	// than in every data source and ephemeral resource.
	if _, err := client.Token(ctx, settings.scopes); err != nil {
		summary, detail := errorDiagnostic("Authentication failed", err, data.clientID)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
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

// settings is the provider configuration resolved against the environment.
type settings struct {
	client tokenclient.Config
	scopes []string
}

func unknownAttributes(cfg providerModel) []string {
	var out []string
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "region": cfg.Region,
		"token_url": cfg.TokenURL, "api_version": cfg.APIVersion, "scopes": cfg.Scopes,
		"auth_style": cfg.AuthStyle, "request_timeout": cfg.RequestTimeout, "max_retries": cfg.MaxRetries,
		"ca_cert_pem": cfg.CACertPEM,
	} {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

type diagAdder interface {
	AddAttributeError(path.Path, string, string)
}

// resolveSettings applies environment variables and defaults. Configuration
// wins over the environment.
func resolveSettings(cfg providerModel, diags diagAdder) settings {
	var s settings
	s.client.ClientID = stringOrEnv(cfg.ClientID, EnvClientID)
	s.client.ClientSecret = stringOrEnv(cfg.ClientSecret, EnvClientSecret)
	if s.client.ClientID == "" {
		diags.AddAttributeError(path.Root("client_id"), "Missing client_id",
			"The provider needs the client id of an API grant. Set client_id in the provider block or the "+EnvClientID+" environment variable.")
	}
	if s.client.ClientSecret == "" {
		diags.AddAttributeError(path.Root("client_secret"), "Missing client_secret",
			"The provider needs the client secret of an API grant. Set the "+EnvClientSecret+" environment variable (preferred) or client_secret in the provider block.")
	}

	region := cfg.Region.ValueString()
	regionFrom := "region"
	if cfg.Region.IsNull() {
		region, regionFrom = os.Getenv(EnvRegion), EnvRegion
	}
	region = strings.ToLower(strings.TrimSpace(region))
	if region == "" {
		region = DefaultRegion
	}
	tokenURL := cfg.TokenURL.ValueString()
	urlFrom := "token_url"
	if cfg.TokenURL.IsNull() {
		tokenURL, urlFrom = os.Getenv(EnvTokenURL), EnvTokenURL
	}
	if tokenURL == "" {
		if _, ok := regionHosts[region]; !ok {
			diags.AddAttributeError(path.Root("region"), "Unknown region",
				fmt.Sprintf("%s is %q; it must be one of %s.", regionFrom, region, quoteList(regionNames)))
		}
		tokenURL = RegionTokenURL(region)
	} else if _, err := tokenclient.ValidateTokenURL(tokenURL); err != nil {
		diags.AddAttributeError(path.Root("token_url"), "Invalid token_url",
			fmt.Sprintf("The token endpoint (from %s) is not usable: %s.", urlFrom, err))
	}
	s.client.TokenURL = tokenURL

	s.client.APIVersion = DefaultAPIVersion
	if !cfg.APIVersion.IsNull() {
		s.client.APIVersion = cfg.APIVersion.ValueString()
	}
	s.client.AuthStyle = tokenclient.AuthStyle(cfg.AuthStyle.ValueString())

	s.client.Timeout = tokenclient.DefaultTimeout
	if !cfg.RequestTimeout.IsNull() {
		d, err := time.ParseDuration(cfg.RequestTimeout.ValueString())
		if err != nil || d <= 0 { // the validator has said so already
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout", "request_timeout must be a positive duration such as \"30s\".")
		}
		s.client.Timeout = d
	}
	s.client.MaxRetries = tokenclient.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		s.client.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	s.client.CACertPEM = cfg.CACertPEM.ValueString()
	s.scopes = setStrings(cfg.Scopes)
	return s
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}
