package provider

import (
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// A metadata document of up to 1 MiB that lists many methods, none of which
// fit, gives a diagnostic within the bounds of what a diagnostic shows
// (the review's reproduction gave 804,454 bytes).
func TestNoSupportedMethodDiagnosticIsBounded(t *testing.T) {
	md := &tokenclient.Metadata{Issuer: "https://idp.example.com",
		AuthMethods: redact.UntrustedText(strings.TrimSpace(strings.Repeat("m ", 200000)))}
	s := &grantSettings{name: defaultGrant}
	s.client.AuthStyle = tokenclient.AuthStyleHeader
	d := noSupportedMethodDiagnostic(s, md, &redact.Scrubber{})
	if n := len(d.Detail()); n > redact.OutputLimit+1024 {
		t.Fatalf("diagnostic detail is %d bytes", n)
	}
}
