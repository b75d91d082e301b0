package iamserver_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// The CI fakes hand out tokens only as their systems document it (method,
// headers, query), which this test spells out apart from the sources' Endpoint, and a client that trusts the issuer takes them as its client
// assertion when iss, sub and aud match.
func TestCIFakesAndFederatedCredentials(t *testing.T) {
	gha, err := iamserver.NewCIIssuer("https://token.actions.githubusercontent.com")
	if err != nil {
		t.Fatal(err)
	}
	const subject = "repo:acme/infra:ref:refs/heads/main"
	srv := start(t, iamserver.Options{
		CI: &iamserver.CIFakes{Issuer: gha, Subject: subject, RequestToken: "ci-request-token"},
		Clients: []iamserver.Client{
			{ID: "federated", Scopes: []string{"file:read"}, Federated: []iamserver.FederatedCredential{{Issuer: gha, Subject: subject, Audience: "api://workiva"}}},
			{ID: "other-repo", Scopes: []string{"file:read"}, Federated: []iamserver.FederatedCredential{{Issuer: gha, Subject: "repo:acme/other:ref:refs/heads/main", Audience: "api://workiva"}}},
		},
	})
	fetch := func(method, u string, hdr map[string]string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	bearer := map[string]string{"Authorization": "Bearer ci-request-token"}
	azure := map[string]string{"Authorization": "Bearer ci-request-token", "Content-Type": "application/json"}
	for _, tc := range []struct {
		name, method, url string
		hdr               map[string]string
		status            int
	}{
		{"github", http.MethodGet, srv.CIURL(workload.GitHubActions) + "&audience=" + url.QueryEscape("api://workiva"), bearer, 200},
		{"github without the request token", http.MethodGet, srv.CIURL(workload.GitHubActions) + "&audience=x", nil, 401},
		{"github without audience", http.MethodGet, srv.CIURL(workload.GitHubActions), bearer, 400},
		{"azure devops", http.MethodPost, srv.CIURL(workload.AzureDevOps) + "?api-version=7.1&serviceConnectionId=sc-1", azure, 200},
		{"azure devops by GET", http.MethodGet, srv.CIURL(workload.AzureDevOps) + "?api-version=7.1&serviceConnectionId=sc-1", azure, 405},
		{"azure devops without a connection", http.MethodPost, srv.CIURL(workload.AzureDevOps) + "?api-version=7.1", azure, 400},
		{"gcp metadata", http.MethodGet, "http://" + srv.CIURL(workload.GCPMetadata) + "/computeMetadata/v1/instance/service-accounts/default/identity" + "?audience=api%3A%2F%2Fworkiva&format=full", map[string]string{"Metadata-Flavor": "Google"}, 200},
		{"codefresh", http.MethodGet, srv.CIURL(workload.Codefresh) + "?audience=x", map[string]string{"Authorization": "ci-request-token"}, 200},
		{"codefresh with a scheme", http.MethodGet, srv.CIURL(workload.Codefresh) + "?audience=x", bearer, 401},
		{"gcp metadata without the header", http.MethodGet, "http://" + srv.CIURL(workload.GCPMetadata) + "/computeMetadata/v1/instance/service-accounts/default/identity" + "?audience=x&format=full", nil, 401},
	} {
		if status, body := fetch(tc.method, tc.url, tc.hdr); status != tc.status {
			t.Errorf("%s: HTTP %d, want %d: %s", tc.name, status, tc.status, body)
		}
	}
	issued := srv.CIIssued()
	if len(issued) != 4 {
		t.Fatalf("%d CI tokens issued, want 4", len(issued))
	}
	assertion := func(id, tok string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_assertion_type": {iamserver.ClientAssertionType}, "client_assertion": {tok}}
	}
	github, azureToken := issued[0], issued[1]
	if a := post(t, srv.TokenURL(), map[string]string{"X-Version": iamserver.CurrentVersion}, assertion("federated", github)); a.status != 200 {
		t.Errorf("the federated client's own CI token: HTTP %d %v", a.status, a.body)
	}
	for name, form := range map[string]url.Values{
		"another subject":  assertion("other-repo", github),
		"another audience": assertion("federated", azureToken),
	} {
		a := post(t, srv.TokenURL(), map[string]string{"X-Version": iamserver.CurrentVersion}, form)
		if desc, _ := a.body["error_description"].(string); a.status != 401 || !strings.Contains(desc, "federated credential") {
			t.Errorf("%s: HTTP %d %v, want 401", name, a.status, a.body)
		}
	}
	if n := len(srv.CIRequests()); n != 10 {
		t.Errorf("%d CI requests recorded, want 10", n)
	}
}
