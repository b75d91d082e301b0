package interop_test

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	zstorage "github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/providertest"
)

// zitadelExchange is the storage of a zitadel/oidc OpenID provider that
// trusts one CI issuer's tokens as RFC 8693 subject tokens: zitadel's
// example storage (clients, access tokens, keys), plus the two hooks
// zitadel leaves to a deployment for tokens it did not issue itself: how
// to verify a foreign subject token (here with zitadel's own ID-token
// verifier, keyed with the CI issuer's key) and which exchanges to allow
// (the CI subject, for a set of scopes).
type zitadelExchange struct {
	*zstorage.Storage
	verifier *rp.IDTokenVerifier
	subject  string
	scopes   []string

	mu       sync.Mutex
	verified []string // the subject tokens zitadel had verified
}

type ciKeySet struct{ key crypto.PublicKey }

func (k ciKeySet) VerifySignature(_ context.Context, jws *jose.JSONWebSignature) ([]byte, error) {
	return jws.Verify(k.key)
}

// VerifyExchangeSubjectToken is op.TokenExchangeTokensVerifierStorage:
// zitadel calls it for subject token types it cannot verify itself (a JWT
// from another issuer).
func (z *zitadelExchange) VerifyExchangeSubjectToken(ctx context.Context, token string, tokenType oidc.TokenType) (string, string, map[string]any, error) {
	if tokenType != oidc.JWTTokenType {
		return "", "", nil, fmt.Errorf("subject_token_type %s is not accepted", tokenType)
	}
	claims, err := rp.VerifyIDToken[*oidc.IDTokenClaims](ctx, token, z.verifier)
	if err != nil {
		return "", "", nil, err
	}
	z.mu.Lock()
	z.verified = append(z.verified, token)
	z.mu.Unlock()
	return token, claims.Subject, claims.Claims, nil
}

func (z *zitadelExchange) VerifyExchangeActorToken(context.Context, string, oidc.TokenType) (string, string, map[string]any, error) {
	return "", "", nil, errors.New("no actor tokens")
}

// ValidateTokenExchangeRequest allows the CI subject the trusted scopes
// and issues an access token unless another type is asked for.
func (z *zitadelExchange) ValidateTokenExchangeRequest(_ context.Context, req op.TokenExchangeRequest) error {
	if req.GetExchangeSubject() != z.subject {
		return oidc.ErrInvalidGrant().WithDescription("no trust for subject %s", req.GetExchangeSubject())
	}
	for _, s := range req.GetScopes() {
		if !slices.Contains(z.scopes, s) {
			return oidc.ErrInvalidScope().WithDescription("scope %s is not allowed", s)
		}
	}
	if req.GetRequestedTokenType() == "" {
		req.SetRequestedTokenType(oidc.AccessTokenType)
	}
	return nil
}

// SetUserinfoFromTokenExchangeRequest names the CI subject in an issued ID
// token (the example storage looks the subject up among its users).
func (z *zitadelExchange) SetUserinfoFromTokenExchangeRequest(_ context.Context, info *oidc.UserInfo, req op.TokenExchangeRequest) error {
	info.Subject = req.GetSubject()
	return nil
}

// zitadelServer runs a zitadel/oidc OpenID provider on loopback whose
// client exchange-client (secret exchange-secret, client_secret_basic)
// may exchange issuer's tokens for subject; it returns the token URL.
func zitadelServer(t *testing.T, issuer *iamserver.CIIssuer, subject string) (string, *zitadelExchange) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	store := &zitadelExchange{
		Storage: zstorage.NewStorageWithClients(zstorage.NewUserStore(base), map[string]*zstorage.Client{
			"exchange-client": zstorage.WebClient("exchange-client", "exchange-secret"),
		}),
		verifier: rp.NewIDTokenVerifier(issuer.Issuer, base, ciKeySet{issuer.PublicKey()}),
		subject:  subject,
		scopes:   []string{"file:read", "graph:read", oidc.ScopeOpenID},
	}
	config := &op.Config{CryptoKey: [32]byte{1, 2, 3}}
	provider, err := op.NewProvider(config, store, op.StaticIssuer(base), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = provider
	ts.Start()
	t.Cleanup(ts.Close)
	return base + "/oauth/token", store
}

// token_exchange interoperates with zitadel/oidc's OpenID provider through
// the CLI: a GitHub Actions token from the local fake, for the provider's
// issuer as audience, is the subject token; zitadel parses the RFC 8693
// request, authenticates the client, has the token verified (issuer, key,
// audience, expiry) and answers an access token, or an ID token whose
// token_type is N_A (RFC 8693 2.2.1) when one is asked for.
func TestInteropZitadelTokenExchange(t *testing.T) {
	const subject = "repo:acme/infra:environment:production"
	issuer, ci := githubActionsJob(t, subject)
	tokenURL, store := zitadelServer(t, issuer, subject)
	audience := store.verifier.ClientID
	providertest.UnitTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "workiva" {
  token_url     = %q
  api_version   = ""
  grant_type    = "token_exchange"
  client_id     = "exchange-client"
  client_secret = "exchange-secret"
  auth_style    = "header"
  workload_identity = { source = "github_actions", audience = %q }
  grants = {
    id = {
      grant_type           = "token_exchange"
      client_id            = "exchange-client"
      client_secret        = "exchange-secret"
      auth_style           = "header"
      workload_identity    = { source = "github_actions", audience = %q }
      requested_token_type = "urn:ietf:params:oauth:token-type:id_token"
    }
  }
}
data "workiva_token" "access" {
  scopes = ["file:read", "graph:read"]
}
data "workiva_token" "id" {
  grant  = "id"
  scopes = ["openid"]
}
`, tokenURL, audience, audience),
		ConfigStateChecks: []statecheck.StateCheck{
			providertest.Attr("data.workiva_token.access", "scope", knownvalue.StringExact("file:read graph:read")),
			providertest.Attr("data.workiva_token.access", "token_type", knownvalue.StringExact("Bearer")),
			providertest.Attr("data.workiva_token.access", "issued_token_type", knownvalue.StringExact("urn:ietf:params:oauth:token-type:access_token")),
			providertest.Attr("data.workiva_token.access", "expires_in", knownvalue.NotNull()),
			providertest.Attr("data.workiva_token.id", "token_type", knownvalue.StringExact("N_A")),
			providertest.Attr("data.workiva_token.id", "issued_token_type", knownvalue.StringExact("urn:ietf:params:oauth:token-type:id_token")),
		},
	})
	store.mu.Lock()
	verified := len(store.verified)
	store.mu.Unlock()
	if verified == 0 || verified != len(ci.CIIssued()) {
		t.Errorf("zitadel verified %d subject tokens of the %d the GitHub fake issued", verified, len(ci.CIIssued()))
	}
}
