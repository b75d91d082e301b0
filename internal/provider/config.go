package provider

import (
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

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

// settings is the provider configuration resolved against the environment.
type settings struct {
	client tokenclient.Config
	scopes []string
}

// String keeps the secret out of any formatting of the settings.
func (s settings) String() string { return "settings{" + s.client.String() + "}" }

// GoString is String, for %#v.
func (s settings) GoString() string { return s.String() }

// unknownAttributes names the attributes whose values are not known yet.
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

// resolveSettings applies environment variables and defaults. Configuration
// wins over the environment.
func resolveSettings(cfg providerModel, diags *diag.Diagnostics) settings {
	var s settings
	s.client.ClientID = stringOrEnv(cfg.ClientID, EnvClientID)
	s.client.ClientSecret = stringOrEnv(cfg.ClientSecret, EnvClientSecret)
	if s.client.ClientID == "" {
		diags.Append(missingClientIDDiagnostic())
	}
	if s.client.ClientSecret == "" {
		diags.Append(missingClientSecretDiagnostic())
	}

	region := cfg.Region.ValueString()
	regionFrom := "region"
	if cfg.Region.IsNull() {
		region, regionFrom = os.Getenv(EnvRegion), EnvRegion
	}
	region = strings.ToLower(strings.TrimSpace(region))
	if region == "" {
		region = defaultRegion
	}
	tokenURL := cfg.TokenURL.ValueString()
	urlFrom := "token_url"
	if cfg.TokenURL.IsNull() {
		tokenURL, urlFrom = os.Getenv(EnvTokenURL), EnvTokenURL
	}
	if tokenURL == "" {
		if _, ok := regionHosts[region]; !ok {
			diags.Append(unknownRegionDiagnostic(regionFrom, region))
		}
		tokenURL = regionTokenURL(region)
	} else if _, err := tokenclient.ValidateTokenURL(tokenURL); err != nil {
		diags.Append(invalidTokenURLDiagnostic(urlFrom, err))
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
			diags.Append(invalidRequestTimeoutDiagnostic())
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

// quoteList formats values as a Markdown list of code spans.
func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

// regionHostList describes the regions and their hosts in Markdown.
func regionHostList() string {
	parts := make([]string, len(regionNames))
	for i, r := range regionNames {
		parts[i] = "`" + r + "`: `" + regionHosts[r] + "`"
	}
	return strings.Join(parts, ", ")
}
