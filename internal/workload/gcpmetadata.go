package workload

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
)

// gcpMetadata: GET http://metadata.google.internal/computeMetadata/v1/
// instance/service-accounts/default/identity?audience=<aud>&format=full
// with "Metadata-Flavor: Google"; GCE_METADATA_HOST (host:port) names
// another host, as Google's client libraries honour it. The request goes
// without a proxy and its answer must say Metadata-Flavor: Google, as
// Google's clients require.
type gcpMetadata struct{}

func (gcpMetadata) Info() Info {
	return Info{NewPerRequest: true, Kind: GCPMetadata, Name: "Google Cloud's metadata server", Needs: "audience",
		Doc: "`gcp_metadata` asks Google Cloud's metadata server (`" + EnvGCEMetadataHost + "` names another host:port)",
		FetchHint: "Check that Terraform runs on Google Cloud with a service account attached, and " + EnvGCEMetadataHost +
			" (unset, the metadata server is " + gcpMetadataHost + ").",
	}
}

func (gcpMetadata) obtain(ctx context.Context, s Source) (string, error) {
	host := cmp.Or(s.getenv(EnvGCEMetadataHost), gcpMetadataHost)
	if !validHostPort(host) {
		return "", &InvalidError{Kind: s.Kind, Variable: EnvGCEMetadataHost, Rule: "a host name or IP address with an optional :port, nothing else"}
	}
	u := "http://" + host + gcpIdentityPath + "?audience=" + url.QueryEscape(s.Audience) + "&format=full"
	body, err := s.fetch(ctx, request{method: http.MethodGet, url: u, metadata: true, header: map[string]string{"Metadata-Flavor": "Google"}})
	return string(body), err
}

func (gcpMetadata) readFrom(Source) (string, string) { return "", "" }
