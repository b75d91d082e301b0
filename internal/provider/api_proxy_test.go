package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
)

// The proxy through the real CLI: consumers in a provisioner call the
// local server's echo API through workiva_api_proxy.

// proxyChain is a configuration whose provisioner runs script with the
// proxy's url and key (URL, KEY) and, as TOKEN, the ephemeral token itself;
// API is the echo API's own URL. proxy is more of the proxy's attributes,
// extra more of the provider's.
func proxyChain(srv *iamserver.Server, script, proxy string, extra ...string) string {
	return providerBlock(srv, extra...) + fmt.Sprintf(`
ephemeral "workiva_api_proxy" "api" {
  upstream     = %q
  min_validity = "1s"
  %s
}

ephemeral "workiva_token" "t" {}

resource "terraform_data" "chain" {
  provisioner "local-exec" {
    command = <<-EOT
%s
    EOT
    environment = {
      URL   = ephemeral.workiva_api_proxy.api.url
      KEY   = ephemeral.workiva_api_proxy.api.key
      TOKEN = ephemeral.workiva_token.t.access_token
      API   = %q
    }
  }
}
`, srv.URL(), proxy, script, srv.URL()+strings.TrimSuffix(iamserver.APIPath, "/"))
}

func needCurl(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed; .ci/run installs it")
	}
}

// apiStatuses are the statuses the echo API answered, in order.
func apiStatuses(srv *iamserver.Server) []int {
	var out []int
	for _, r := range srv.APIRequests() {
		out = append(out, r.Status)
	}
	return out
}

// A chain of calls longer than the token's lifetime works through the
// proxy, and fails with the ephemeral token passed directly.
func TestCLIProxyOutlivesTheToken(t *testing.T) {
	needCurl(t)
	srv := iam(t, iamserver.Options{TokenLifetime: 3 * time.Second})
	through := `curl -fsS -H "Authorization: Bearer $KEY" "$URL/platform/v1/echo/one"
sleep 5
curl -fsS -H "Authorization: Bearer $KEY" "$URL/platform/v1/echo/two"`
	c := newCLIDir(t, proxyChain(srv, through, ""))
	if out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply through the proxy: %s", out)
	}
	if got := apiStatuses(srv); len(got) != 2 || got[0] != 200 || got[1] != 200 {
		t.Errorf("through the proxy the API answered %v, want [200 200]", got)
	}
	srv.Reset()
	direct := `curl -fsS -H "Authorization: Bearer $TOKEN" "$API/one"
sleep 5
curl -fsS -H "Authorization: Bearer $TOKEN" "$API/two"`
	c = newCLIDir(t, proxyChain(srv, direct, ""))
	if out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false"); err == nil {
		t.Fatalf("apply with the token passed directly succeeded: %s", out)
	}
	if got := apiStatuses(srv); len(got) != 2 || got[0] != 200 || got[1] != 401 {
		t.Errorf("with the token itself the API answered %v, want [200 401]", got)
	}
}

// Without the key, or as a forward proxy to another host, nothing is
// forwarded; 30 consumers at once share one token request.
func TestCLIProxyKeyTargetAndConcurrency(t *testing.T) {
	needCurl(t)
	srv := iam(t, iamserver.Options{Latency: 20 * time.Millisecond})
	other := iam(t, iamserver.Options{})
	script := fmt.Sprintf(`set -e
test "$(curl -s -o /dev/null -w '%%%%{http_code}' "$URL/platform/v1/echo/nokey")" = 401
test "$(curl -s -o /dev/null -w '%%%%{http_code}' -H "Authorization: Bearer wrong" "$URL/platform/v1/echo/wrongkey")" = 401
test "$(curl -s -o /dev/null -w '%%%%{http_code}' -x "$URL" -H "Authorization: Bearer $KEY" %q)" = 400
for i in $(seq 30); do curl -fsS -o /dev/null -H "Authorization: Bearer $KEY" "$URL/platform/v1/echo/c$i" & done
wait
test "$(curl -fsS -H "Authorization: Bearer $KEY" "$URL/_workiva_api_proxy/token" | grep -c '"token_type":"Bearer"')" = 1`,
		other.URL()+iamserver.APIPath+"elsewhere")
	c := newCLIDir(t, proxyChain(srv, script, `scopes = ["graph:read"]`))
	if out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %s", out)
	}
	got := apiStatuses(srv)
	if len(got) != 30 {
		t.Errorf("the API got %d requests, want the 30 with the key", len(got))
	}
	for _, s := range got {
		if s != 200 {
			t.Errorf("API status %d", s)
		}
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the other server got %d requests", n)
	}
	// One token request for the proxy's scope set in each phase: plan and
	// apply each open the proxy once.
	if n := countScope(srv, "graph:read"); n < 1 || n > 2 {
		t.Errorf("%d token requests for graph:read, want one per phase (plan, apply)", n)
	}
}

// A token the API refuses as invalid is replaced, and the request sent
// again, with nothing for the consumer to do.
func TestCLIProxyReplacesAnInvalidToken(t *testing.T) {
	needCurl(t)
	srv := iam(t, iamserver.Options{})
	dir := t.TempDir()
	script := fmt.Sprintf(`set -e
printf %%s "$KEY" > %[3]q
curl -fsS -o /dev/null -H "Authorization: Bearer $KEY" "$URL/platform/v1/echo/before"
touch %[1]q
while [ ! -f %[2]q ]; do sleep 0.05; done
curl -fsS -o /dev/null -H "Authorization: Bearer $KEY" -d 'a body to send again' "$URL/platform/v1/echo/after"`,
		filepath.Join(dir, "ready"), filepath.Join(dir, "go"), filepath.Join(dir, "key"))
	c := newCLIDir(t, proxyChain(srv, script, ""))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
				srv.InvalidateTokens()
				_ = os.WriteFile(filepath.Join(dir, "go"), nil, 0o600)
				return
			}
		}
	}()
	logFile := filepath.Join(c.dir, "trace.log")
	out, err := flatRun(c, []string{"TF_LOG=DEBUG", "TF_LOG_PATH=" + logFile}, "apply", "-auto-approve", "-input=false")
	<-done
	if err != nil {
		t.Fatalf("apply: %s", out)
	}
	if got := apiStatuses(srv); len(got) != 3 || got[0] != 200 || got[1] != 401 || got[2] != 200 {
		t.Errorf("the API answered %v, want [200 401 200]", got)
	}
	log := c.read("trace.log")
	if !strings.Contains(log, "workiva_api_proxy: request") || !strings.Contains(log, "retried=invalid_token") &&
		!strings.Contains(log, `"retried":"invalid_token"`) {
		t.Errorf("the debug log has no retried request line")
	}
	key, err := os.ReadFile(filepath.Join(dir, "key"))
	if err != nil || len(key) < 32 {
		t.Fatalf("the provisioner saw no key: %v", err)
	}
	for _, secret := range append([]string{testSecret, string(key)}, issuedTokens(srv)...) {
		if strings.Contains(log, secret) || strings.Contains(out, secret) || strings.Contains(c.read("terraform.tfstate"), secret) {
			t.Errorf("a credential, the key or a token is in the log, the output or the state")
		}
	}
}

func issuedTokens(srv *iamserver.Server) []string {
	var out []string
	for _, is := range srv.IssuedTokens() {
		out = append(out, is.AccessToken)
	}
	return out
}

// With dpop = true against a DPoP server that wants its nonces at the
// token endpoint and the API, the token is DPoP-bound (workiva_token says
// so), and the proxy presents it with a proof the server accepts.
func TestCLIProxyDPoP(t *testing.T) {
	needCurl(t)
	srv := iam(t, iamserver.Options{DPoP: &iamserver.DPoP{Required: true, Nonces: true}})
	script := `set -e
curl -fsS -H "Authorization: Bearer $KEY" "$URL/platform/v1/echo/files" | grep -q '"token_type":"DPoP"'
test "$(curl -s -o /dev/null -w '%%{http_code}' -H "Authorization: Bearer $TOKEN" "$API/direct")" = 401`
	c := newCLIDir(t, proxyChain(srv, script, "", "dpop = true"))
	out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("apply: %s", out)
	}
	if !strings.Contains(out, "DPoP-bound token") {
		t.Errorf("workiva_token did not warn that its token is DPoP-bound: %s", out)
	}
	var proofs int
	for _, r := range srv.TokenRequests() {
		if r.Header.Get("DPoP") != "" {
			proofs++
		}
	}
	if proofs == 0 || proofs != len(srv.TokenRequests()) {
		t.Errorf("%d of %d token requests carried a DPoP proof", proofs, len(srv.TokenRequests()))
	}
}

// For a server that is not Workiva's, upstream is required.
func TestCLIProxyNeedsAnUpstream(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	c := newCLIDir(t, providerBlock(srv)+`
ephemeral "workiva_api_proxy" "api" {}
`)
	out, err := flatRun(c, nil, "plan", "-input=false")
	if err == nil || !strings.Contains(out, "Missing upstream") || !strings.Contains(out, srv.TokenURL()) {
		t.Errorf("plan without upstream: %v %s", err, out)
	}
}

// With tls_client_auth at a server that binds its tokens to the client's
// certificate (RFC 8705), the token is useless without the certificate, and
// the proxy presents it: the API answers through the proxy, and refuses
// the token itself.
func TestCLIProxyCertificateBoundTokens(t *testing.T) {
	needCurl(t)
	ca := iamtest.NewCA(t)
	cert, key := ca.ClientCertificate(t, "cert-client")
	srv := iam(t, iamserver.Options{TLS: true, ClientCAPEM: ca.PEM, BindCertificates: true,
		Clients: []iamserver.Client{{ID: "cert-client", CertificateSubject: "cert-client", Scopes: []string{"file:read"}}}})
	caFile := filepath.Join(t.TempDir(), "server-ca.pem")
	if err := os.WriteFile(caFile, []byte(srv.CertPEM()), 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`set -e
curl -fsS -H "Authorization: Bearer $KEY" "$URL/platform/v1/echo/through" | grep -q '"client_id":"cert-client"'
test "$(curl -s -o /dev/null -w '%%%%{http_code}' --cacert %q -H "Authorization: Bearer $TOKEN" "$API/direct")" = 401`, caFile)
	config := fmt.Sprintf(`
provider "workiva" {
  client_id              = "cert-client"
  token_url              = %q
  ca_cert_pem            = %q
  client_certificate_pem = %q
  client_key_pem         = %q
}
`, srv.TokenURL(), srv.CertPEM(), cert, key)
	// proxyChain's provider block is replaced by this one.
	chain := proxyChain(srv, script, "")
	chain = config + chain[strings.Index(chain, "\nephemeral "):]
	c := newCLIDir(t, chain)
	if out, err := flatRun(c, nil, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %s", out)
	}
	if got := apiStatuses(srv); len(got) != 2 || got[0] != 200 || got[1] != 401 {
		t.Errorf("the API answered %v, want [200 401]: through the proxy, then the token without the certificate", got)
	}
}
