package tokenclient_test

import (
	"context"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// jwt_bearer and token_exchange present the subject token (fresh for every
// request) as the grant, with scope, audience and resources, and
// authenticate the client only when it has credentials; a token exchange
// reports issued_token_type, and an N_A token_type is still a token.
func TestFederatedGrants(t *testing.T) {
	issuer, err := iamserver.NewCIIssuer("https://ci.example")
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, iamserver.Options{TrustedIssuers: []iamserver.TrustRelationship{{Issuer: issuer, Subject: "job", ClientID: "pipeline", Scopes: []string{"file:read", "graph:read"}}}})
	n := 0
	subject := func(context.Context) (string, error) {
		n++
		return issuer.Sign("job", srv.TokenURL(), time.Now(), time.Now().Add(time.Minute))
	}
	for _, tc := range []struct {
		name      string
		cfg       tokenclient.Config
		grant     string
		issued    string
		tokenType string
	}{
		{"jwt_bearer without client authentication", tokenclient.Config{GrantType: tokenclient.GrantJWTBearer, AuthStyle: tokenclient.AuthStyleNone, Audience: "https://api.example"},
			iamserver.JWTBearerGrant, "", "Bearer"},
		{"jwt_bearer with a client secret", tokenclient.Config{GrantType: tokenclient.GrantJWTBearer, ClientID: testID, ClientSecret: testSecret},
			iamserver.JWTBearerGrant, "", "Bearer"},
		{"token_exchange", tokenclient.Config{GrantType: tokenclient.GrantTokenExchange, AuthStyle: tokenclient.AuthStyleNone},
			iamserver.TokenExchangeGrant, iamserver.TokenTypeAccess, "Bearer"},
		{"token_exchange for a JWT", tokenclient.Config{GrantType: tokenclient.GrantTokenExchange, AuthStyle: tokenclient.AuthStyleNone, RequestedTokenType: iamserver.TokenTypeJWT},
			iamserver.TokenExchangeGrant, iamserver.TokenTypeJWT, "N_A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			cfg := tc.cfg
			cfg.TokenURL, cfg.APIVersion, cfg.Subject = srv.TokenURL(), "2026-01-01", subject
			c, err := tokenclient.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			before := n
			tok, err := c.Token(context.Background(), []string{"file:read"})
			if err != nil {
				t.Fatal(err)
			}
			if !tok.IssuedTokenType.Is(tc.issued) || !tok.TokenType.Is(tc.tokenType) || !tok.Scope.Is("file:read") {
				t.Errorf("token %v: issued_token_type %q, token_type %q", tok, tok.IssuedTokenType.Data(), tok.TokenType.Data())
			}
			if n != before+1 {
				t.Errorf("%d subject tokens for one request", n-before)
			}
			r := srv.TokenRequests()[0]
			if r.Form.Get("grant_type") != tc.grant || r.Form.Get("scope") != "file:read" {
				t.Errorf("form %v", r.Form)
			}
			if (r.Header.Get("Authorization") != "") != (cfg.ClientSecret != "") || r.Form.Has("client_secret") {
				t.Errorf("client authentication: header %q, form %v", r.Header.Get("Authorization"), r.Form)
			}
			if cfg.GrantType == tokenclient.GrantTokenExchange && r.Form.Get("subject_token_type") != tokenclient.TokenTypeJWT {
				t.Errorf("subject_token_type %q", r.Form.Get("subject_token_type"))
			}
		})
	}
}
