package provider

import (
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
)

// Test-only access to unexported parts, for the provider_test package.

const DefaultRegion = defaultRegion

var RegionTokenURL = regionTokenURL

// TokenAttributeCount is how many attributes the workiva_token ephemeral
// resource's schema has; EphemeralOnly names those the data source lacks.
var (
	TokenAttributeCount = len(ephemeralTokenAttributes())
	EphemeralOnly       = func() map[string]bool {
		out := map[string]bool{}
		data := dataSourceTokenAttributes()
		for name := range ephemeralTokenAttributes() {
			if _, ok := data[name]; !ok {
				out[name] = true
			}
		}
		return out
	}()
)

// NewWithTransport is New with the token client's HTTP transport replaced
// (record and replay, fault injection) and, when clk is not nil, the clock.
func NewWithTransport(version string, transport http.RoundTripper, clk clock.Clock) func() provider.Provider {
	return func() provider.Provider {
		return &WorkivaProvider{version: version, transport: transport, clock: clock.OrSystem(clk)}
	}
}

// WireForms lists the forms in which a client secret travels or is echoed.
var WireForms = wireForms
