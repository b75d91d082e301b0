package workload_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// Google Cloud's metadata server: the token the fake issued for the
// audience; GCE_METADATA_HOST must be a host[:port], and an answer without
// "Metadata-Flavor: Google" did not come from the metadata server,
// whatever it holds; nothing is asked of a host the variable does not name.
func TestGCPMetadata(t *testing.T) {
	srv, issuer := ciServer(t)
	src := workload.Source{Kind: workload.GCPMetadata, Audience: "api://workiva"}
	vars := map[string]string{workload.EnvGCEMetadataHost: srv.CIURL(workload.GCPMetadata)}
	var told []string
	src.Getenv, src.Sensitive = env(vars), func(v ...string) { told = append(told, v...) }
	tok, err := src.Token(t.Context())
	if err != nil || tok != lastIssued(srv) {
		t.Fatalf("got %v", err)
	}
	src.Sensitive = nil

	var invalid *workload.InvalidError
	for _, host := range []string{"http://evil.example", "user@evil.example", "evil.example/path", "evil.example:99999", "evil.example?x", "-bad.example"} {
		src := workload.Source{Kind: workload.GCPMetadata, Audience: "a", Getenv: env(map[string]string{workload.EnvGCEMetadataHost: host}),
			Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { t.Fatalf("%q: a request was sent", host); return nil, nil })}
		if _, err := src.Token(t.Context()); !errors.As(err, &invalid) || invalid.Variable != workload.EnvGCEMetadataHost {
			t.Errorf("GCE_METADATA_HOST=%q: got %v", host, err)
		}
	}
	now := time.Now()
	made := signed(t, issuer, "a", now, now.Add(time.Hour))
	fake := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(made)), Request: r}, nil
	})
	src = workload.Source{Kind: workload.GCPMetadata, Audience: "a", Transport: fake, Getenv: env(vars)}
	var fetch *workload.FetchError
	if _, err := src.Token(t.Context()); !errors.As(err, &fetch) || fetch.Problem != workload.ProblemNotMetadata {
		t.Errorf("an answer without Metadata-Flavor: got %v", err)
	}
}
