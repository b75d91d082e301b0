package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/apiproxy"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

var (
	_ ephemeral.EphemeralResource              = (*APIProxyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*APIProxyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*APIProxyEphemeralResource)(nil)
)

// APIProxyEphemeralResource is the workiva_api_proxy ephemeral resource: a
// loopback endpoint (internal/apiproxy) that forwards to an API with a
// token of the grant's cache on every request, from Open until Close.
type APIProxyEphemeralResource struct {
	ephemeralConfigured
}

// NewAPIProxyEphemeralResource returns a new workiva_api_proxy.
func NewAPIProxyEphemeralResource() ephemeral.EphemeralResource { return &APIProxyEphemeralResource{} }

// apiProxyModel is workiva_api_proxy's schema.
type apiProxyModel struct {
	Grant         types.String `tfsdk:"grant"`
	Scopes        types.Set    `tfsdk:"scopes"`
	MinValidity   types.String `tfsdk:"min_validity"`
	Upstream      types.String `tfsdk:"upstream"`
	URL           types.String `tfsdk:"url"`
	Key           types.String `tfsdk:"key"`
	TokenEndpoint types.String `tfsdk:"token_endpoint"`
}

// proxyPrivate is the private data's key that names an open proxy.
const proxyPrivate = "proxy"

// proxies are the proxies open in this process, by a name their private
// data carries, for Close.
type proxies struct {
	mu   sync.Mutex
	open map[string]*apiproxy.Proxy
}

func (ps *proxies) add(p *apiproxy.Proxy) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	name := base64.RawURLEncoding.EncodeToString(b)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.open == nil {
		ps.open = map[string]*apiproxy.Proxy{}
	}
	ps.open[name] = p
	return name
}

func (ps *proxies) take(name string) *apiproxy.Proxy {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.open[name]
	delete(ps.open, name)
	return p
}

// Metadata implements ephemeral.EphemeralResource.
func (r *APIProxyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_proxy"
}

// Schema implements ephemeral.EphemeralResource.
func (r *APIProxyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A local endpoint that forwards requests to an API with a fresh token of the grant on each, from when " +
			"Terraform opens it until it closes it after the last resource that uses it (Terraform 1.10 or later, OpenTofu 1.12 or later). " +
			"Consumers hold `key`, which outlives Workiva's ten-minute tokens, instead of a token; DPoP-bound and " +
			"certificate-bound tokens reach the API with their proof. It listens on 127.0.0.1 only, forwards only to `upstream`, " +
			"and only requests that present `key`. See the token lifetime guide.",
		Attributes: map[string]schema.Attribute{
			"grant": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "The entry of the provider's `grants` whose tokens to use, as `workiva_token`'s `grant`."},
			"scopes": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(scopeValidators()...)},
				MarkdownDescription: "Scopes of the tokens, as `workiva_token`'s `scopes`; one token request per scope set."},
			"min_validity": schema.StringAttribute{Optional: true, Validators: []validator.String{durationValidator},
				MarkdownDescription: "How much lifetime a token must have left when a request is forwarded with it, as `workiva_token`'s; " +
					"`" + defaultMinValidity.String() + "` when unset."},
			"upstream": schema.StringAttribute{Optional: true, Validators: []validator.String{endpointValidator("upstream")},
				MarkdownDescription: "The API's base URL: a request to `url` + path goes to `upstream` + path. `https://`, or " +
					"`http://` to loopback hosts. Defaults, for a grant of Workiva's IAM, to its region's API host " +
					"(`https://api.app.wdesk.com`, `https://api.eu.wdesk.com`, `https://api.apac.wdesk.com`); required for other servers."},
			"url": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The proxy's base URL, `http://127.0.0.1:<port>`: use it where the API's base URL goes."},
			"key": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "What consumers present: `Authorization: Bearer <key>`. Requests without it are refused and " +
					"forwarded nowhere. Valid while the proxy is open."},
			"token_endpoint": schema.StringAttribute{Computed: true,
				MarkdownDescription: "A local URL that answers `GET` with `key` with `{\"access_token\", \"token_type\", \"expires_in\", " +
					"\"scope\"}`: a token with at least `min_validity` left, for scripts that need the token itself."},
		},
	}
}

// Open implements ephemeral.EphemeralResource: it starts the proxy.
func (r *APIProxyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	defer func() { resp.Diagnostics = scrubDiagnostics(resp.Diagnostics, r.data.scrubber()) }()
	var m apiProxyModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(notConfiguredDiagnostic("workiva_api_proxy was opened"))
		return
	}
	g, d := r.data.lookup(m.Grant)
	if d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	if g.client == nil {
		// Credentials computed during plan: the proxy opens at apply.
		m.URL, m.Key, m.TokenEndpoint = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
		return
	}
	upstream, ok := proxyUpstream(m.Upstream, g, &resp.Diagnostics)
	if !ok {
		return
	}
	scopes, minValidity := g.scopesOf(m.Scopes), minValidityOf(m.MinValidity)
	// A token now, so that wrong credentials fail here rather than in
	// every consumer's request.
	tok, err := g.client.Token(ctx, scopes, tokenclient.MinValidity(minValidity))
	if err != nil {
		resp.Diagnostics.Append(tokenErrorDiagnostic(grantSummary("Token request failed", g.name), err, g, r.data.scrub))
		return
	}
	r.data.scrub.Add(tok.AccessToken, tok.RefreshToken)
	logCtx := detachedLogContext(ctx)
	log := tflogLogger{r.data.scrub}
	p, err := apiproxy.Start(ctx, apiproxy.Options{Upstream: upstream, Client: g.client, Scopes: scopes, MinValidity: minValidity,
		Clock:    r.data.clock,
		Obtained: func(t *tokenclient.Token) { r.data.scrub.Add(t.AccessToken, t.RefreshToken) },
		Describe: func(err error) string { return proxyFailure(err, g, r.data.scrub) },
		Log: func(_ context.Context, l apiproxy.Logged) {
			fields := map[string]any{"grant": grantLogName(g.name), "method": l.Method, "path": l.Path, "status": l.Status,
				"duration_ms": l.Duration.Milliseconds()}
			if l.Retried != "" {
				fields["retried"] = l.Retried
			}
			log.Debug(logCtx, "workiva_api_proxy: request", fields)
		}})
	if err != nil {
		resp.Diagnostics.Append(proxyNotStartedDiagnostic(err))
		return
	}
	r.data.scrub.Add(p.Key())
	m.URL, m.Key, m.TokenEndpoint = types.StringValue(p.URL()), types.StringValue(p.Key()), types.StringValue(p.TokenEndpoint())
	if resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...); resp.Diagnostics.HasError() {
		_ = p.Close(ctx)
		return
	}
	name := r.data.proxies.add(p)
	if d := resp.Private.SetKey(ctx, proxyPrivate, []byte(`"`+name+`"`)); d.HasError() {
		// Terraform would never close it.
		_ = r.data.proxies.take(name).Close(ctx)
		resp.Diagnostics.Append(d...)
		return
	}
	log.Debug(logCtx, "workiva_api_proxy: listening", map[string]any{"grant": grantLogName(g.name), "url": p.URL(),
		"upstream": httpretry.Origin(upstream)})
}

// Close implements ephemeral.EphemeralResourceWithClose: it stops the
// proxy, letting the requests in flight finish.
func (r *APIProxyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, d := req.Private.GetKey(ctx, proxyPrivate)
	if resp.Diagnostics.Append(d...); d.HasError() || r.data == nil || len(raw) < 2 {
		return
	}
	if p := r.data.proxies.take(strings.Trim(string(raw), `"`)); p != nil {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_ = p.Close(ctx)
	}
}

// proxyUpstream is the API the proxy forwards to: upstream, else the API
// host of the region whose token endpoint the grant uses.
func proxyUpstream(set types.String, g *grant, diags *diag.Diagnostics) (*url.URL, bool) {
	raw := set.ValueString()
	if raw == "" {
		raw = regionAPIHost(g.client.TokenURL())
	}
	if raw == "" {
		diags.Append(upstreamRequiredDiagnostic(g.name, g.client.TokenURL()))
		return nil, false
	}
	u, err := tokenclient.ValidateAPIURL(raw)
	if err != nil {
		diags.Append(invalidEndpointDiagnostic(path.Root("upstream"), "upstream", "upstream", err))
		return nil, false
	}
	return u, true
}

// regionAPIHost is the API host of the region whose token endpoint
// tokenURL is; "" for another server.
func regionAPIHost(tokenURL string) string {
	origin, ok := tokenclient.Origin(tokenURL)
	for _, host := range regionHosts {
		if o, _ := tokenclient.Origin(host); ok && o == origin {
			return host
		}
	}
	return ""
}
