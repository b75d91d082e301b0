package provider

import (
	"cmp"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// Environment variables the provider reads when an attribute is not set.
const (
	EnvClientID            = "WORKIVA_CLIENT_ID"
	EnvClientSecret        = "WORKIVA_CLIENT_SECRET"      //nolint:gosec // the variable's name, not a credential
	EnvClientSecretFile    = "WORKIVA_CLIENT_SECRET_FILE" //nolint:gosec // the variable's name, not a credential
	EnvRegion              = "WORKIVA_REGION"
	EnvTokenURL            = "WORKIVA_TOKEN_URL" //nolint:gosec // the variable's name, not a credential
	EnvIssuer              = "WORKIVA_ISSUER"
	EnvClientAssertion     = "WORKIVA_CLIENT_ASSERTION"      //nolint:gosec // the variable's name, not a credential
	EnvClientAssertionFile = "WORKIVA_CLIENT_ASSERTION_FILE" //nolint:gosec // the variable's name, not a credential
)

// DefaultAPIVersion is the Workiva API version sent as X-Version.
const DefaultAPIVersion = "2026-01-01"

// The Workiva regions, each with its API host; defaultRegion is used when
// none is configured.
var (
	regionNames = []string{"us", "eu", "apac"}
	regionHosts = map[string]string{
		"us":   "https://api.app.wdesk.com",
		"eu":   "https://api.eu.wdesk.com",
		"apac": "https://api.apac.wdesk.com",
	}
)

const defaultRegion = "us"

// regionTokenURL returns the current token endpoint of a region.
func regionTokenURL(region string) string { return regionHosts[region] + "/oauth2/token" }

// grantModel is one grant: the provider block's own attributes (the default
// grant) and each entry of grants. Its fields are grantAttributes.
type grantModel struct {
	redact.Unprintable
	ClientID                types.String `tfsdk:"client_id"`
	ClientSecret            types.String `tfsdk:"client_secret"`
	ClientSecretFile        types.String `tfsdk:"client_secret_file"`
	Scopes                  types.Set    `tfsdk:"scopes"`
	TokenURL                types.String `tfsdk:"token_url"`
	Issuer                  types.String `tfsdk:"issuer"`
	RevocationURL           types.String `tfsdk:"revocation_url"`
	AuthStyle               types.String `tfsdk:"auth_style"`
	GrantType               types.String `tfsdk:"grant_type"`
	SubjectTokenType        types.String `tfsdk:"subject_token_type"`
	RequestedTokenType      types.String `tfsdk:"requested_token_type"`
	Audience                types.String `tfsdk:"audience"`
	Resources               types.List   `tfsdk:"resources"`
	ExtraParams             types.Map    `tfsdk:"extra_params"`
	ClientAssertionKeyPEM   types.String `tfsdk:"client_assertion_key_pem"`
	ClientAssertionAlg      types.String `tfsdk:"client_assertion_alg"`
	ClientAssertionKeyID    types.String `tfsdk:"client_assertion_key_id"`
	ClientAssertionAudience types.String `tfsdk:"client_assertion_audience"`
	ClientAssertion         types.String `tfsdk:"client_assertion"`
	WorkloadIdentity        types.Map    `tfsdk:"workload_identity"`
	ClientCertificatePEM    types.String `tfsdk:"client_certificate_pem"`
	ClientKeyPEM            types.String `tfsdk:"client_key_pem"`
	DPoP                    types.Bool   `tfsdk:"dpop"`
}

// providerModel maps the provider schema: the default grant's attributes,
// the provider-wide settings, and the named grants.
type providerModel struct {
	grantModel
	Region         types.String `tfsdk:"region"`
	APIVersion     types.String `tfsdk:"api_version"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	CACertPEM      types.String `tfsdk:"ca_cert_pem"`
	Grants         types.Map    `tfsdk:"grants"`
}

// unknownNames names the attributes of g whose values are not known yet.
func (g *grantModel) unknownNames() []string {
	var out []string
	for _, a := range grantAttributes {
		if v := a.value(g); v.IsUnknown() || !fullyKnown(v) {
			out = append(out, a.name)
		}
	}
	return out
}

// fullyKnown reports whether a collection holds no unknown element.
func fullyKnown(v attr.Value) bool {
	var elems []attr.Value
	switch c := v.(type) {
	case types.Set:
		elems = c.Elements()
	case types.List:
		elems = c.Elements()
	case types.Map:
		for _, e := range c.Elements() {
			elems = append(elems, e)
		}
	case types.Object:
		for _, e := range c.Attributes() {
			elems = append(elems, e)
		}
	}
	return !slices.ContainsFunc(elems, attr.Value.IsUnknown)
}

// origin says where each attribute of a grant that has a value got it, in
// words a diagnostic can use: "WORKIVA_CLIENT_SECRET", "client_secret in
// the provider block", `client_secret in grants["publishing"]`.
type origin map[string]string

// of is where the attribute got its value; its bare name when unknown.
func (o origin) of(name string) string { return cmp.Or(o[name], name) }

// withEnvironment is the provider-level grant with the environment
// variables filled in where an attribute is not set, and where each value
// came from. Configuration wins.
func (g grantModel) withEnvironment() (grantModel, origin) {
	from := origin{}
	for _, a := range grantAttributes {
		if !a.value(&g).IsNull() {
			from[a.name] = a.name + " in the provider block"
			continue
		}
		if a.env == "" {
			continue
		}
		if v := os.Getenv(a.env); v != "" {
			a.set(&g, types.StringValue(v))
			from[a.name] = a.env
		}
	}
	return g, from
}

// inheriting is entry name with every attribute it leaves unset taken from
// base, the credentials (every attribute that is not a setting) only when
// bound: the entry is the provider's client at the provider's server
// (credentialsBound); and where each value came from.
//
// The endpoint attributes (token_url, issuer, revocation_url) go together:
// an entry that names its own token endpoint or issuer inherits none of
// them.
func (g grantModel) inheriting(name string, base grantModel, baseFrom origin, bound bool) (grantModel, origin) {
	from := origin{}
	ownEndpoint := !g.TokenURL.IsNull() || !g.Issuer.IsNull()
	for _, a := range grantAttributes {
		switch {
		case !a.value(&g).IsNull():
			from[a.name] = a.name + " in grants[" + strconv.Quote(name) + "]"
		case a.endpoint && ownEndpoint:
		case a.holds == setting || bound:
			a.set(&g, a.value(&base))
			if src, ok := baseFrom[a.name]; ok {
				from[a.name] = src
			}
		}
	}
	return g, from
}

// credentialsBound reports whether an entry of grants may inherit the
// provider block's credentials: only the provider's own client at the
// provider's own server, for every endpoint the entry names. An entry with
// a client_id of its own is another client. Any endpoint the entry names
// that is not the provider's makes it another party (a token exchange at
// someone else's STS, say), to which the provider's secret, keys,
// assertions and certificate must never be sent:
//   - a token_url of another origin (scheme, host, port; RFC 6454) than the
//     provider's token endpoint (token_url, or the region's);
//   - an issuer other than the provider's own, character for character: an
//     issuer's metadata may name endpoints anywhere, so that only the same
//     issuer is the same server (one host may serve many tenants);
//   - a revocation_url of another origin than the provider's revocation_url
//     or token endpoint.
//
// An endpoint of the provider's (token_url, issuer) known only by an
// issuer's metadata cannot be compared before discovery: an entry's own
// token_url or revocation_url is then another party's. decided is false
// while an endpoint attribute of either is not known (the entry waits).
func credentialsBound(entry, base grantModel, regionURL string) (bound, decided bool) {
	for _, v := range []types.String{entry.TokenURL, entry.Issuer, entry.RevocationURL, base.TokenURL, base.Issuer, base.RevocationURL} {
		if v.IsUnknown() {
			return false, false
		}
	}
	if !entry.ClientID.IsNull() {
		return false, true
	}
	providerToken := ""
	if base.Issuer.IsNull() {
		providerToken = cmp.Or(base.TokenURL.ValueString(), regionURL)
	}
	if !entry.Issuer.IsNull() && entry.Issuer.ValueString() != base.Issuer.ValueString() {
		return false, true
	}
	if !entry.TokenURL.IsNull() && !sameOrigin(entry.TokenURL.ValueString(), providerToken) {
		return false, true
	}
	if r := entry.RevocationURL.ValueString(); !entry.RevocationURL.IsNull() && !sameOrigin(r, base.RevocationURL.ValueString()) && !sameOrigin(r, providerToken) {
		return false, true
	}
	return true, true
}

// sameOrigin reports whether two endpoint URLs have one origin as they are
// dialled (tokenclient.Origin): scheme, host and port, the default port of
// the scheme when none is given, a host that is not ASCII never.
func sameOrigin(a, b string) bool {
	oa, okA := tokenclient.Origin(a)
	ob, okB := tokenclient.Origin(b)
	return okA && okB && oa == ob
}

// providerWide are the settings every grant shares.
type providerWide struct {
	apiVersion string
	// apiVersionSet: api_version is in the configuration (else a grant
	// that names an issuer, never Workiva's, sends no X-Version).
	apiVersionSet bool
	timeout       time.Duration
	maxRetries    int
	caCertPEM     string
	// tokenURL is the region's endpoint, for grants without token_url or
	// issuer.
	tokenURL string
}

// resolveProviderWide applies environment variables and defaults to the
// provider-wide settings.
func resolveProviderWide(cfg providerModel, diags *diag.Diagnostics) providerWide {
	w := providerWide{apiVersion: DefaultAPIVersion, timeout: tokenclient.DefaultTimeout, maxRetries: tokenclient.DefaultMaxRetries}
	if !cfg.APIVersion.IsNull() {
		w.apiVersion, w.apiVersionSet = cfg.APIVersion.ValueString(), true
	}
	if !cfg.RequestTimeout.IsNull() {
		d, err := time.ParseDuration(cfg.RequestTimeout.ValueString())
		if err != nil || d <= 0 { // the validator has said so already
			diags.Append(invalidRequestTimeoutDiagnostic())
		}
		w.timeout = d
	}
	if !cfg.MaxRetries.IsNull() {
		w.maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	w.caCertPEM = cfg.CACertPEM.ValueString()

	region := cfg.Region.ValueString()
	regionFrom := "region"
	if cfg.Region.IsNull() {
		region, regionFrom = os.Getenv(EnvRegion), EnvRegion
	}
	region = strings.ToLower(strings.TrimSpace(region))
	if region == "" {
		region = defaultRegion
	}
	if _, ok := regionHosts[region]; ok {
		w.tokenURL = regionTokenURL(region)
	} else if cfg.TokenURL.IsNull() && cfg.Issuer.IsNull() && os.Getenv(EnvTokenURL) == "" && os.Getenv(EnvIssuer) == "" {
		diags.Append(unknownRegionDiagnostic(regionFrom))
	}
	return w
}

// oneEndpoint keeps one endpoint of the provider-level grant: token_url or
// issuer set in the provider block (or region) wins over the other's
// environment variable; both variables set (or WORKIVA_ISSUER with
// WORKIVA_REGION) is an error, since neither can be said to win.
//
// g is the provider block's grant with the environment filled in, from
// where each value came; cfg the provider block as written.
func oneEndpoint(g grantModel, from origin, cfg providerModel, diags *diag.Diagnostics) (grantModel, origin) {
	switch {
	case g.Issuer.IsNull():
	case !cfg.Issuer.IsNull():
		if cfg.TokenURL.IsNull() {
			g.TokenURL = types.StringNull()
			delete(from, "token_url")
		}
	case !cfg.TokenURL.IsNull() || !cfg.Region.IsNull():
		g.Issuer = types.StringNull()
		delete(from, "issuer")
	case !g.TokenURL.IsNull():
		diags.Append(conflictingEndpointsDiagnostic(EnvIssuer, EnvTokenURL))
	case os.Getenv(EnvRegion) != "":
		diags.Append(conflictingEndpointsDiagnostic(EnvIssuer, EnvRegion))
	}
	return g, from
}

// quoteList formats values as a Markdown list of code spans.
func quoteList(vs []string) string { return strings.Join(codeSpans(vs), ", ") }

// regionHostList describes the regions and their hosts in Markdown.
func regionHostList() string {
	parts := make([]string, len(regionNames))
	for i, r := range regionNames {
		parts[i] = "`" + r + "`: `" + regionHosts[r] + "`"
	}
	return strings.Join(parts, ", ")
}
