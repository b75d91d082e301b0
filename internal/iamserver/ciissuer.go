package iamserver

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// CIIssuer is a CI system's OIDC issuer, as far as a token endpoint sees
// it: it signs workload-identity tokens (ES256) that a server trusts for a
// client through a FederatedCredential.
type CIIssuer struct {
	// Issuer is the iss of the tokens it signs
	// (https://token.actions.githubusercontent.com for GitHub Actions, say).
	Issuer string
	key    *ecdsa.PrivateKey
	signer jose.Signer
}

// NewCIIssuer makes an issuer with a fresh key.
func NewCIIssuer(issuer string) (*CIIssuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", CIKeyID))
	if err != nil {
		return nil, err
	}
	return &CIIssuer{Issuer: issuer, key: key, signer: signer}, nil
}

// CIKeyID is the kid of a CI issuer's tokens, as its JWKS would name the
// key.
const CIKeyID = "ci-key-1"

// PublicKey verifies the issuer's tokens.
func (i *CIIssuer) PublicKey() crypto.PublicKey { return i.key.Public() }

// Sign returns a token for subject and audience that expires at exp.
func (i *CIIssuer) Sign(subject, audience string, issuedAt, exp time.Time) (string, error) {
	jti := make([]byte, 12)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	return jwt.Signed(i.signer).Claims(jwt.Claims{Issuer: i.Issuer, Subject: subject, Audience: jwt.Audience{audience},
		IssuedAt: jwt.NewNumericDate(issuedAt), NotBefore: jwt.NewNumericDate(issuedAt.Add(-time.Minute)),
		Expiry: jwt.NewNumericDate(exp), ID: base64.RawURLEncoding.EncodeToString(jti)}).Serialize()
}

// FederatedCredential makes a client trust a CI issuer's tokens as its
// client assertion (RFC 7523 2.2 as Entra ID's federated credentials and
// Okta's and Keycloak's identity-provider assertions use it): the token's
// iss and sub must match, its aud must hold Audience, and the issuer's key
// must verify it. The client is named by the request's client_id.
type FederatedCredential struct {
	Issuer   *CIIssuer
	Subject  string
	Audience string
}

// federatedClient returns the client that trusts the assertion's issuer
// (named by client_id), and the credential, when there is one.
func (s *Server) federatedClient(bodyID, issuer string) (Client, FederatedCredential, bool) {
	c, ok := s.clientByID(bodyID)
	if !ok {
		return Client{}, FederatedCredential{}, false
	}
	for _, f := range c.Federated {
		if f.Issuer != nil && f.Issuer.Issuer == issuer {
			return c, f, true
		}
	}
	return Client{}, FederatedCredential{}, false
}
