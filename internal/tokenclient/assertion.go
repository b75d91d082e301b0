package tokenclient

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
)

// ClientAssertionType is the client_assertion_type of a JWT client
// assertion (RFC 7523 section 2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionLifetime is how long a signed assertion is valid (exp - iat).
const AssertionLifetime = 60 * time.Second

// The signing algorithms of private_key_jwt.
const (
	AlgRS256 = "RS256"
	AlgPS256 = "PS256"
	AlgES256 = "ES256"
)

// AssertionAlgs lists the signing algorithms the client supports.
var AssertionAlgs = []string{AlgRS256, AlgPS256, AlgES256}

// MinSecretJWTKey is the shortest client secret client_secret_jwt can
// key HS256 with: RFC 7518 3.2 wants a key of at least the hash's size.
const MinSecretJWTKey = 32

// Errors of the assertion key, for callers to word.
var (
	// ErrSecretTooShort: the client secret is shorter than MinSecretJWTKey
	// bytes, too short to key client_secret_jwt's HS256.
	ErrSecretTooShort = errors.New("the client secret is too short for client_secret_jwt")
	// ErrEmptyAssertion: the assertion source gave only white space; the
	// request is not sent.
	ErrEmptyAssertion       = errors.New("the client assertion is empty")
	ErrAssertionKey         = errors.New("the client assertion key is not a usable private key")
	ErrAssertionAlgMismatch = errors.New("the signing algorithm does not fit the client assertion key")
)

// assertionSource makes the client_assertion of one request; ctx is the
// request's (a source may fetch the assertion).
type assertionSource func(ctx context.Context) (string, error)

// signedAssertions returns a source of private_key_jwt assertions (signed
// with the client's private key) or client_secret_jwt ones (HS256 keyed
// with the client secret) (RFC 7523 2.2, OpenID Connect Core 9): iss = sub
// = the client id, aud, iat, exp = iat + AssertionLifetime and a unique
// jti; header alg, typ JWT and kid when set.
func signedAssertions(key jose.SigningKey, keyID, clientID, audience string, clk clock.Clock) (assertionSource, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if keyID != "" {
		opts = opts.WithHeader("kid", keyID)
	}
	signer, err := jose.NewSigner(key, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAssertionKey, err) //nolint:errorlint // the signer's error is detail
	}
	return func(context.Context) (string, error) {
		jti := make([]byte, 18)
		if _, err := rand.Read(jti); err != nil {
			return "", err
		}
		now := clk.Now()
		return jwt.Signed(signer).Claims(jwt.Claims{
			Issuer:   clientID,
			Subject:  clientID,
			Audience: jwt.Audience{audience},
			IssuedAt: jwt.NewNumericDate(now),
			Expiry:   jwt.NewNumericDate(now.Add(AssertionLifetime)),
			ID:       base64.RawURLEncoding.EncodeToString(jti),
		}).Serialize()
	}, nil
}
