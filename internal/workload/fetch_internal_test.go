package workload

import (
	"net/http"
	"testing"
)

// Google's clients never send the metadata request through a proxy (it
// goes to a link-local address); neither does this one, whatever
// HTTP_PROXY says. The other requests honour the proxy settings.
func TestMetadataRequestsAreNotProxied(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:9")
	if metadataTransport.Proxy != nil {
		t.Error("the metadata transport has a proxy function")
	}
	if dt, ok := defaultTransport.(*http.Transport); !ok || dt.Proxy == nil {
		t.Error("the default transport ignores the proxy settings")
	}
}
