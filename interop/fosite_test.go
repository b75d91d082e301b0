package interop_test

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	josev3 "github.com/go-jose/go-jose/v3"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"
	"golang.org/x/crypto/bcrypt"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// fositeServer is a token endpoint built with ory/fosite, an OAuth2 server
// framework no one here wrote, on loopback; clients are registered with
// the client authentication method they must use.
func fositeServer(t *testing.T, configure ...func(*fosite.Config)) (string, *storage.MemoryStore) {
	t.Helper()
	store := storage.NewMemoryStore()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	signing, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &fosite.Config{
		AccessTokenLifespan: 10 * time.Minute,
		GlobalSecret:        []byte("a-global-secret-of-32-bytes-long"),
		TokenURL:            srv.URL + "/token",
	}
	for _, f := range configure {
		f(cfg)
	}
	oauth := compose.ComposeAllEnabled(cfg, store, signing)
	// fosite's Config getters fill in defaults lazily (a data race under
	// concurrent requests, which the provider makes when it authenticates
	// grants side by side): the test server handles one request at a time.
	var mu sync.Mutex
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		ctx := r.Context()
		ar, err := oauth.NewAccessRequest(ctx, r, &fosite.DefaultSession{})
		if err != nil {
			oauth.WriteAccessError(ctx, w, ar, err)
			return
		}
		for _, s := range ar.GetRequestedScopes() {
			ar.GrantScope(s)
		}
		for _, a := range ar.GetRequestedAudience() {
			ar.GrantAudience(a)
		}
		resp, err := oauth.NewAccessResponse(ctx, ar)
		if err != nil {
			oauth.WriteAccessError(ctx, w, ar, err)
			return
		}
		oauth.WriteAccessResponse(ctx, w, ar, resp)
	})
	return srv.URL + "/token", store
}

// fositeClient registers a client that may only authenticate by method.
func fositeClient(t *testing.T, store *storage.MemoryStore, id, secret, method string, jwks *josev3.JSONWebKeySet) {
	t.Helper()
	c := &fosite.DefaultOpenIDConnectClient{
		DefaultClient: &fosite.DefaultClient{ID: id, GrantTypes: []string{"client_credentials"},
			Scopes: []string{"file:read", "graph:read"}, Audience: []string{"https://api.example.com"}},
		TokenEndpointAuthMethod: method,
		JSONWebKeys:             jwks,
	}
	if secret != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		c.Secret = hash
	}
	if method == "private_key_jwt" {
		c.TokenEndpointAuthSigningAlgorithm = "RS256"
	}
	store.Clients[id] = c
}

// The provider gets tokens from fosite through the Terraform CLI with every
// client authentication method fosite implements for client credentials:
// client_secret_basic (auth_style header), client_secret_post (body) and
// private_key_jwt, with an audience fosite checks against the client's.
func TestInteropFosite(t *testing.T) {
	tokenURL, store := fositeServer(t)
	key := iamtest.RSAKey(t, iamtest.PKCS8)
	fositeClient(t, store, "basic-client", "basic-secret", "client_secret_basic", nil)
	fositeClient(t, store, "post-client", "post-secret", "client_secret_post", nil)
	fositeClient(t, store, "jwt-client", "", "private_key_jwt", &josev3.JSONWebKeySet{Keys: []josev3.JSONWebKey{
		{Key: key.Public(), KeyID: "k1", Algorithm: "RS256", Use: "sig"},
	}})
	config := fmt.Sprintf(`
provider "workiva" {
  token_url   = %q
  api_version = ""
  audience    = "https://api.example.com"
  grants = {
    basic = { client_id = "basic-client", client_secret = "basic-secret", auth_style = "header" }
    post  = { client_id = "post-client", client_secret = "post-secret", auth_style = "body" }
    jwt   = { client_id = "jwt-client", client_assertion_key_pem = %q, client_assertion_key_id = "k1" }
  }
}
data "workiva_token" "basic" {
  grant  = "basic"
  scopes = ["file:read"]
}
data "workiva_token" "post" {
  grant  = "post"
  scopes = ["graph:read"]
}
data "workiva_token" "jwt" {
  grant  = "jwt"
  scopes = ["file:read", "graph:read"]
}
`, tokenURL, key.PEM)
	var checks []statecheck.StateCheck
	for name, scope := range map[string]string{"basic": "file:read", "post": "graph:read", "jwt": "file:read graph:read"} {
		checks = append(checks,
			providertest.Attr("data.workiva_token."+name, "client_id", knownvalue.StringExact(name+"-client")),
			providertest.Attr("data.workiva_token."+name, "scope", knownvalue.StringExact(scope)),
			providertest.Attr("data.workiva_token."+name, "expires_in", knownvalue.NotNull()),
			providertest.Attr("data.workiva_token."+name, "access_token", knownvalue.StringRegexp(regexpMust(`^ory_at_`))))
	}
	providertest.UnitTest(t, resource.TestStep{Config: config, ConfigStateChecks: checks})

	// fosite holds clients to their method: the same secret sent the other
	// way is refused, with fosite's own words in the diagnostic.
	providertest.UnitTest(t, resource.TestStep{
		Config:      fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n  api_version = \"\"\n  client_id = \"basic-client\"\n  client_secret = \"basic-secret\"\n  auth_style = \"body\"\n}\ndata \"workiva_token\" \"t\" {}\n", tokenURL),
		ExpectError: regexpMust(`(?s)Authentication failed: HTTP 401 invalid_client.*client_secret_post`),
	})
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// githubActionsJob is the environment of a GitHub Actions job with
// "permissions: id-token: write" whose tokens name subject: the local
// server's GitHub fake, signing with the returned issuer (GitHub's iss),
// and ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN set for the test.
func githubActionsJob(t *testing.T, subject string) (*iamserver.CIIssuer, *iamserver.Server) {
	t.Helper()
	issuer, err := iamserver.NewCIIssuer("https://token.actions.githubusercontent.com")
	if err != nil {
		t.Fatal(err)
	}
	ci := providertest.IAM(t, iamserver.Options{CI: &iamserver.CIFakes{Issuer: issuer, Subject: subject, RequestToken: requestToken}})
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", ci.CIURL(workload.GitHubActions))
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
	return issuer, ci
}

// jwt_bearer interoperates with fosite's RFC 7523 grant handler through the
// CLI: a GitHub Actions token (from the local fake, for fosite's token URL
// as audience) is the grant, and no client authenticates, as fosite allows
// with GrantTypeJWTBearerCanSkipClientAuth; fosite checks issuer, subject,
// key (by kid), audience, expiry and a single-use jti.
func TestInteropFositeJWTBearer(t *testing.T) {
	tokenURL, store := fositeServer(t, func(c *fosite.Config) { c.GrantTypeJWTBearerCanSkipClientAuth = true })
	issuer, ci := githubActionsJob(t, "repo:acme/infra:ref:refs/heads/main")
	store.IssuerPublicKeys[issuer.Issuer] = storage.IssuerPublicKeys{Issuer: issuer.Issuer, KeysBySub: map[string]storage.SubjectPublicKeys{
		"repo:acme/infra:ref:refs/heads/main": {Subject: "repo:acme/infra:ref:refs/heads/main", Keys: map[string]storage.PublicKeyScopes{
			iamserver.CIKeyID: {Key: &josev3.JSONWebKey{Key: issuer.PublicKey(), KeyID: iamserver.CIKeyID, Algorithm: "ES256", Use: "sig"},
				Scopes: []string{"file:read", "graph:read"}},
		}},
	}}
	providertest.UnitTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "workiva" {
  token_url   = %q
  api_version = ""
  grant_type  = "jwt_bearer"
  workload_identity = { source = "github_actions", audience = %q }
}
data "workiva_token" "t" {
  scopes = ["file:read"]
}
`, tokenURL, tokenURL),
		ConfigStateChecks: []statecheck.StateCheck{providertest.Attr("data.workiva_token.t", "scope", knownvalue.StringExact("file:read"))},
	})
	if n := len(ci.CIIssued()); n == 0 {
		t.Error("no GitHub token was asked for")
	}
}
