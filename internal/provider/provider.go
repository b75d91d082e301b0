// Package provider is the Terraform surface of the Workiva provider: the
// provider schema and configuration, the workiva_token data source and the
// workiva_token ephemeral resource. Fetching tokens is the job of
// internal/tokenclient.
//
// It owns every sentence a user reads (an extension point's own words come
// from its descriptor); internal/tokenclient and internal/workload report
// facts. The diagnostics are worded by concern, each in a file of its name,
// and a server's text enters any of them only through display (show.go).
// None of them ever includes a secret or a token.
package provider

import (
	"context"
	"maps"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
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
	_ provider.ProviderWithFunctions          = (*WorkivaProvider)(nil)
	_ provider.ProviderWithConfigValidators   = (*WorkivaProvider)(nil)
)

// ConfigValidators implements provider.ProviderWithConfigValidators: the
// provider block names its server one way (issuer, or token_url and
// region), checked at validate.
func (p *WorkivaProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{providervalidator.Conflicting(path.MatchRoot("issuer"), path.MatchRoot("region"))}
}

// New returns the provider factory providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &WorkivaProvider{version: version, clock: clock.System()}
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
		MarkdownDescription: "Exchanges OAuth2 grants (a Workiva API grant, any RFC 6749 client-credentials endpoint, " +
			"or a pipeline's workload identity) for bearer tokens. The provider authenticates when it is configured, so a " +
			"wrong secret fails `terraform plan` at once; tokens are cached per scope set and shared by every " +
			"`workiva_token` in the configuration.",
		Attributes: providerAttributes(),
	}
}

// providerAttributes are the provider-wide attributes, the default
// grant's (grantAttributes) and grants.
func providerAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for _, a := range providerWideAttributes {
		attrs[a.name] = a.schema
	}
	maps.Copy(attrs, providerGrantAttributes())
	attrs["grants"] = grantsAttribute()
	return attrs
}

// providerWideAttribute is one of the settings every grant shares, which a
// grants entry cannot set.
type providerWideAttribute struct {
	name   string
	schema schema.Attribute
}

// providerWideAttributes are the provider-wide settings: their schema, and
// the list the grants description and the unknown-value check use.
var providerWideAttributes = []providerWideAttribute{
	{name: "region", schema: schema.StringAttribute{
		MarkdownDescription: "Workiva region whose IAM endpoint to use: " + quoteList(regionNames) + " (" + regionHostList() + "). " +
			"Case-insensitive. Defaults to the `" + EnvRegion + "` environment variable, then `" + defaultRegion + "`. Ignored when `token_url` is set; conflicts with `issuer`.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.OneOfCaseInsensitive(regionNames...)},
	}},
	{name: "api_version", schema: schema.StringAttribute{
		MarkdownDescription: "Workiva API version sent in the `X-Version` header. Defaults to `" + DefaultAPIVersion + "`, the version of " +
			"`/oauth2/token`. Set `\"\"` to send no header: for the legacy `/iam/v1/oauth2/token` path and for endpoints other than Workiva's. " +
			"A grant that names its server by `issuer` (never Workiva's, which has no metadata) sends no header unless this is set.",
		Optional: true,
	}},
	{name: "request_timeout", schema: schema.StringAttribute{
		MarkdownDescription: "Time limit for each HTTP request to the token endpoint, as a Go duration such as `30s` or `1m`; each retry gets its own. Defaults to `" +
			tokenclient.DefaultTimeout.String() + "`.",
		Optional:   true,
		Validators: []validator.String{durationValidator},
	}},
	{name: "max_retries", schema: schema.Int64Attribute{
		MarkdownDescription: "How many times a token request is retried after HTTP 429, 500, 502, 503, 504 or a connection error, " +
			httpretry.BackoffDescription + ". With `auth_style = \"auto\"` the retries are not doubled. `0` disables retries. Defaults to `" +
			strconv.Itoa(tokenclient.DefaultMaxRetries) + "`.",
		Optional:   true,
		Validators: []validator.Int64{int64validator.Between(0, 20)},
	}},
	{name: "ca_cert_pem", schema: schema.StringAttribute{
		MarkdownDescription: "PEM-encoded CA certificates to trust, besides the system's, for the token endpoint's TLS " +
			"certificate: for endpoints behind a private CA or a TLS-inspecting proxy. Proxies are taken from " +
			"`HTTPS_PROXY` and `NO_PROXY`.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}},
}

// providerFields are providerModel's fields by tfsdk tag.
var providerFields = tagIndex(reflect.TypeFor[providerModel]())

// providerWideNames are the provider-wide attributes' names.
func providerWideNames() []string {
	names := make([]string, len(providerWideAttributes))
	for i, a := range providerWideAttributes {
		names[i] = a.name
	}
	return names
}

// Configure implements provider.Provider: it resolves the default grant and
// the named grants against the environment, builds a token client per
// grant and authenticates every grant whose credentials are known.
func (p *WorkivaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	data := &providerData{clock: clock.OrSystem(p.clock), scrub: &redact.Scrubber{}, grants: map[string]*grant{}}
	defer func() { resp.Diagnostics = scrubDiagnostics(resp.Diagnostics, data.scrub) }()
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// What the variables that may hold a credential hold is one, wherever
	// it is written next (a secret in WORKIVA_CLIENT_SECRET_FILE, say).
	for v, h := range credentialVariables() {
		h.addTo(data.scrub, os.Getenv(v))
	}
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	if dir := os.Getenv(envProtoDataDir); dir != "" {
		resp.Diagnostics.Append(protoDataDirWarning(dir))
	}

	if unknown := unknownProviderWide(cfg); len(unknown) > 0 {
		// Values computed during plan: authenticate once they are known.
		data.pendingReason = notKnownYet("the provider", unknown)
		tflogLogger{data.scrub}.Debug(ctx, "provider configuration not yet known; authentication deferred", map[string]any{"unknown": unknown})
		return
	}
	env := clientEnv{transport: p.transport, clock: data.clock, scrub: data.scrub, userAgent: p.userAgent(req.TerraformVersion)}
	settings, wide := p.resolveGrants(ctx, cfg, data, env, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	found := &issuers{byIssuer: map[string]discovered{}, base: tokenclient.DiscoveryConfig{Transport: p.transport, Timeout: wide.timeout,
		MaxRetries: wide.maxRetries, Clock: data.clock, CACertPEM: wide.caCertPEM, UserAgent: env.userAgent, Logger: tflogLogger{data.scrub}}}
	for _, s := range settings {
		if s.pending == "" && s.issuer != "" && !applyMetadata(ctx, &s, found, data.scrub, &resp.Diagnostics) {
			continue
		}
		g := &grant{name: s.name, pendingReason: s.pending, clientID: s.client.ClientID, defaultScopes: s.scopes, hint: s.hint}
		data.grants[s.name] = g
		if s.pending != "" {
			continue
		}
		data.scrub.AddClientCredentials(s.client.ClientID, s.client.ClientSecret)
		data.scrub.AddURL(s.client.TokenURL)
		data.scrub.AddURL(s.client.RevocationURL)
		client, err := tokenclient.New(s.client)
		if err != nil {
			resp.Diagnostics.Append(clientConfigDiagnostic(s.name, err))
			continue
		}
		g.client = client
		if id := s.identity; id != nil && s.client.GrantType.Federated() && !id.NewPerRequest() {
			g.check = func(ctx context.Context) error { _, err := id.Token(ctx); return err }
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(data.authenticate(ctx)...)
}

// resolveGrants resolves the default grant (unless grants are configured
// and the provider block names no client) and every entry of grants.
func (p *WorkivaProvider) resolveGrants(ctx context.Context, cfg providerModel, data *providerData, env clientEnv, diags *diag.Diagnostics) ([]grantSettings, providerWide) {
	wide := resolveProviderWide(cfg, diags)
	env.wide = wide
	base, baseFrom := cfg.withEnvironment()
	base, baseFrom = oneEndpoint(base, baseFrom, cfg, diags)
	envFile := os.Getenv(EnvClientAssertionFile)
	var out []grantSettings
	// Every value that may be a credential reaches the scrubber before any
	// diagnostic about the grant is made.
	base.scrubInto(data.scrub)
	if cfg.Grants.IsNull() || !base.ClientID.IsNull() {
		out = append(out, resolveGrant(defaultGrant, base, baseFrom, env, envFile, diags))
	}
	if cfg.Grants.IsUnknown() {
		data.grantsPending = "the grants map is not known until apply"
		return out, wide
	}
	elems := cfg.Grants.Elements()
	for _, name := range slices.Sorted(maps.Keys(elems)) {
		obj, ok := elems[name].(types.Object)
		if !ok || obj.IsUnknown() {
			out = append(out, grantSettings{name: name, pending: "grant " + strconv.Quote(name) + " is not known until apply"})
			continue
		}
		var entry grantModel
		diags.Append(obj.As(ctx, &entry, basetypes.ObjectAsOptions{})...)
		entry.scrubInto(data.scrub)
		bound, decided := credentialsBound(entry, base, wide.tokenURL)
		if !decided {
			out = append(out, grantSettings{name: name, pending: "whether grant " + strconv.Quote(name) +
				" may use the provider's credentials depends on endpoints not known until apply"})
			continue
		}
		file := envFile
		if !bound {
			file = "" // another client or another party: the provider's assertion file is not its own
		}
		merged, from := entry.inheriting(name, base, baseFrom, bound)
		out = append(out, resolveGrant(name, merged, from, env, file, diags))
	}
	return out, wide
}

// unknownProviderWide names the provider-wide attributes whose values are
// not known yet.
func unknownProviderWide(cfg providerModel) []string {
	var out []string
	for _, a := range providerWideAttributes {
		if valueByName(&cfg, providerFields, a.name).IsUnknown() {
			out = append(out, a.name)
		}
	}
	slices.Sort(out)
	return out
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

// Functions implements provider.ProviderWithFunctions.
func (p *WorkivaProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewJWTClaimsFunction}
}

// EphemeralResources implements provider.ProviderWithEphemeralResources.
func (p *WorkivaProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewTokenEphemeralResource, NewAPIProxyEphemeralResource}
}
