package workload

import (
	"net/http"
)

// gcpMetadata asks Google Cloud's metadata server for an identity token
// (gcpMetadataEndpoint); GCE_METADATA_HOST (host:port) names another host,
// as Google's client libraries honour it.
type gcpMetadata struct{}

func (gcpMetadata) Info() Info {
	return Info{NewPerRequest: true, Kind: GCPMetadata, Name: "Google Cloud's metadata server", Needs: "audience",
		Doc: "`gcp_metadata` asks Google Cloud's metadata server (`" + EnvGCEMetadataHost + "` names another host:port)",
		FetchHint: "Check that Terraform runs on Google Cloud with a service account attached, and " + EnvGCEMetadataHost +
			" (unset, the metadata server is " + gcpMetadataEndpoint.DefaultHost + ").",
		Endpoint: &gcpMetadataEndpoint,
	}
}

var gcpMetadataEndpoint = Endpoint{Method: http.MethodGet, HostVariable: EnvGCEMetadataHost, DefaultHost: "metadata.google.internal",
	Path:   "/computeMetadata/v1/instance/service-accounts/default/identity",
	Query:  []Field{{Name: "audience", Setting: "audience"}, {Name: "format", Value: "full"}},
	Header: map[string]string{"Metadata-Flavor": "Google"}, Metadata: true}
