package tokenclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// RFC 8414 3.1 inserts the well-known suffix between the host and the
// path (a terminating "/" removed); OpenID Connect Discovery 4 appends
// its suffix. The examples are the RFCs' own and Hydra's.
func TestWellKnownURLs(t *testing.T) {
	for issuer, want := range map[string][2]string{
		"https://example.com":          {"https://example.com/.well-known/oauth-authorization-server", "https://example.com/.well-known/openid-configuration"},
		"https://example.com/issuer1":  {"https://example.com/.well-known/oauth-authorization-server/issuer1", "https://example.com/issuer1/.well-known/openid-configuration"},
		"http://127.0.0.1:4444/":       {"http://127.0.0.1:4444/.well-known/oauth-authorization-server", "http://127.0.0.1:4444/.well-known/openid-configuration"},
		"https://idp.example/t/a%2Fb/": {"https://idp.example/.well-known/oauth-authorization-server/t/a%2Fb", "https://idp.example/t/a%2Fb/.well-known/openid-configuration"},
	} {
		u, err := url.Parse(issuer)
		if err != nil {
			t.Fatal(err)
		}
		got := tokenclient.WellKnownURLs(u)
		if got[0].String() != want[0] || got[1].String() != want[1] {
			t.Errorf("%s: %s, %s; want %s, %s", issuer, got[0], got[1], want[0], want[1])
		}
	}
}

func TestValidateIssuer(t *testing.T) {
	for _, bad := range []string{"", "https://idp.example.com?tenant=a", "https://idp.example.com#x", "http://idp.example.com", "https://u:p@idp.example.com"} {
		if _, err := tokenclient.ValidateIssuer(bad); err == nil {
			t.Errorf("ValidateIssuer(%q) accepted it", bad)
		}
	}
	for _, good := range []string{"https://idp.example.com", "https://idp.example.com/tenants/acme/", "http://127.0.0.1:4444/"} {
		if _, err := tokenclient.ValidateIssuer(good); err != nil {
			t.Errorf("ValidateIssuer(%q): %v", good, err)
		}
	}
}

// The style chosen from a server's list is the first the credential can
// use, in order of preference; a list of none is no choice.
func TestChooseStyle(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{AuthMethods: []string{"client_secret_jwt", "client_secret_post", "self_signed_tls_client_auth"}}})
	md, err := tokenclient.Discover(context.Background(), tokenclient.DiscoveryConfig{Issuer: srv.Issuer()})
	if err != nil {
		t.Fatal(err)
	}
	for cred, want := range map[tokenclient.Credential]tokenclient.AuthStyle{
		tokenclient.CredentialSecret: tokenclient.AuthStyleBody, tokenclient.CredentialCertificate: tokenclient.AuthStyleTLSClientAuth,
		tokenclient.CredentialKey: "",
	} {
		got, ok := md.ChooseStyle(cred)
		if got != want || ok != (want != "") {
			t.Errorf("ChooseStyle(%s) = %q, %v; want %q", cred, got, ok, want)
		}
	}
	if md.Supports(tokenclient.AuthStyleHeader) {
		t.Error("a server that lists no client_secret_basic supports header")
	}
	if md.TokenEndpoint != srv.TokenURL() || md.RevocationEndpoint != srv.RevokeURL() {
		t.Errorf("endpoints %s, %s", md.TokenEndpoint, md.RevocationEndpoint)
	}
}

// A document's endpoints are held to the token URL's rules: plain http to
// a host that is not loopback is refused, and so is the document.
func TestDiscoverRefusesAnInsecureEndpoint(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{OIDCOnly: true, Extra: map[string]any{"token_endpoint": "http://idp.example.com/token"}}})
	_, err := tokenclient.Discover(context.Background(), tokenclient.DiscoveryConfig{Issuer: srv.Issuer()})
	var de *tokenclient.DiscoveryError
	if !errors.As(err, &de) || len(de.Attempts) != 2 {
		t.Fatalf("Discover: %v", err)
	}
	if a := de.Attempts[1]; a.Problem != tokenclient.ProblemEndpoint || a.Field != "token_endpoint" {
		t.Errorf("second attempt: %+v", a)
	}
	if a := de.Attempts[0]; a.Problem != tokenclient.ProblemStatus || a.StatusCode != 404 {
		t.Errorf("first attempt: %+v", a)
	}
}

// A client presenting a certificate uses the mTLS aliases (RFC 8705 5).
func TestMetadataEndpointsMTLS(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{MTLSAliases: true}})
	md, err := tokenclient.Discover(context.Background(), tokenclient.DiscoveryConfig{Issuer: srv.Issuer()})
	if err != nil {
		t.Fatal(err)
	}
	if tok, rev := md.Endpoints(true); tok != srv.URL()+iamserver.MTLSPrefix+iamserver.TokenPath || rev != srv.URL()+iamserver.MTLSPrefix+iamserver.RevokePath {
		t.Errorf("with a certificate: %s, %s", tok, rev)
	}
	if tok, _ := md.Endpoints(false); tok != srv.TokenURL() {
		t.Errorf("without a certificate: %s", tok)
	}
}

// loggedFields records what Discover logs.
type loggedFields struct {
	mu    sync.Mutex
	lines []map[string]any
}

func (l *loggedFields) Debug(_ context.Context, _ string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, f)
}
func (l *loggedFields) Warn(ctx context.Context, m string, f map[string]any) { l.Debug(ctx, m, f) }

// What a metadata document says reaches the logger as redact.Untrusted,
// never as a plain string (the review's: 400,019 bytes of methods as a
// string), and every plain string logged is the client's own, bounded.
func TestDiscoverLogsServerTextAsUntrusted(t *testing.T) {
	var iss string
	huge := strings.Repeat(`"m",`, 200000) + `"client_secret_basic"`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":%q,"token_endpoint_auth_methods_supported":[%s]}`, iss, iss+"/token", huge)
	}))
	t.Cleanup(ts.Close)
	iss = ts.URL
	log := &loggedFields{}
	if _, err := tokenclient.Discover(context.Background(), tokenclient.DiscoveryConfig{Issuer: iss, Logger: log}); err != nil {
		t.Fatal(err)
	}
	for _, f := range log.lines {
		if _, ok := f["auth_methods"].(redact.Untrusted); !ok {
			t.Errorf("auth_methods logged as %T", f["auth_methods"])
		}
		for k, v := range f {
			if s, ok := v.(string); ok && len(s) > 4096 {
				t.Errorf("%s logged as a plain string of %d bytes", k, len(s))
			}
		}
	}
}

// An https issuer's endpoints are https: a document cannot send the
// credentials in plain text, to a loopback listener or anywhere.
func TestDiscoverRefusesHTTPEndpointsOfAnHTTPSIssuer(t *testing.T) {
	var iss string
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":"http://127.0.0.1:9/token"}`, iss)
	}))
	t.Cleanup(ts.Close)
	iss = ts.URL
	_, err := tokenclient.Discover(context.Background(), tokenclient.DiscoveryConfig{Issuer: iss, Transport: ts.Client().Transport})
	var de *tokenclient.DiscoveryError
	if !errors.As(err, &de) || de.Attempts[0].Problem != tokenclient.ProblemEndpoint {
		t.Fatalf("Discover: %v", err)
	}
}

// The style chosen for a secret follows the client's order (basic, post,
// client_secret_jwt), not the order of the server's list; auto chooses
// between its own two only.
func TestChooseStyleOrder(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{AuthMethods: []string{"client_secret_jwt", "client_secret_post", "client_secret_basic"}}})
	md, err := tokenclient.Discover(context.Background(), tokenclient.DiscoveryConfig{Issuer: srv.Issuer()})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := md.ChooseStyle(tokenclient.CredentialSecret); s != tokenclient.AuthStyleHeader {
		t.Errorf("chose %s; want header", s)
	}
	jwtOnly := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{AuthMethods: []string{"client_secret_jwt"}}})
	md, err = tokenclient.Discover(context.Background(), tokenclient.DiscoveryConfig{Issuer: jwtOnly.Issuer()})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := md.ChooseStyle(tokenclient.CredentialSecret, tokenclient.AuthStyleHeader, tokenclient.AuthStyleBody); ok {
		t.Errorf("auto chose %s from a server that lists client_secret_jwt only", s)
	}
}
