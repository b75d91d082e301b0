package tokenclient

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strings"
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

// Errors of the assertion key, for callers to word.
var (
	ErrAssertionKey         = errors.New("the client assertion key is not a usable private key")
	ErrAssertionAlgMismatch = errors.New("the signing algorithm does not fit the client assertion key")
)

// assertionPlaceholder stands for the client assertion in the form x/oauth2
// builds; the transport replaces it with a fresh assertion in every HTTP
// request, retries included.
const assertionPlaceholder = "workiva-client-assertion-placeholder"

// assertionSource makes the client_assertion of one request.
type assertionSource func() (string, error)

// parseAssertionKey reads a PEM private key: RSA (PKCS #1 or PKCS #8) or
// EC P-256 (SEC 1 or PKCS #8), and returns it with its algorithm, alg when
// given (RS256 and PS256 for RSA, ES256 for EC) or the key's default.
func parseAssertionKey(keyPEM, alg string) (crypto.Signer, jose.SignatureAlgorithm, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(keyPEM)))
	if block == nil {
		return nil, "", fmt.Errorf("%w: no PEM block found", ErrAssertionKey)
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, "", fmt.Errorf("%w: a PEM block of type %q (want RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)", ErrAssertionKey, block.Type)
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrAssertionKey, err) //nolint:errorlint // the parse error is detail, not a kind
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		switch alg {
		case "", AlgRS256:
			return k, jose.RS256, nil
		case AlgPS256:
			return k, jose.PS256, nil
		}
		return nil, "", fmt.Errorf("%w: %s needs an EC P-256 key, and this is an RSA key", ErrAssertionAlgMismatch, alg)
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, "", fmt.Errorf("%w: an EC key on %s (want P-256)", ErrAssertionKey, k.Curve.Params().Name)
		}
		if alg != "" && alg != AlgES256 {
			return nil, "", fmt.Errorf("%w: %s needs an RSA key, and this is an EC P-256 key", ErrAssertionAlgMismatch, alg)
		}
		return k, jose.ES256, nil
	}
	return nil, "", fmt.Errorf("%w: a %T (want RSA or EC P-256)", ErrAssertionKey, key)
}

// signedAssertions returns a source of private_key_jwt assertions (RFC 7523
// 2.2, OpenID Connect Core 9): iss = sub = the client id, aud, iat, exp =
// iat + AssertionLifetime and a unique jti, signed with key; header alg,
// typ JWT and kid when set.
func signedAssertions(key crypto.Signer, alg jose.SignatureAlgorithm, keyID, clientID, audience string, clk clock.Clock) (assertionSource, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if keyID != "" {
		opts = opts.WithHeader("kid", keyID)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAssertionKey, err) //nolint:errorlint // the signer's error is detail
	}
	return func() (string, error) {
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

// withAssertion returns a form body with the placeholder replaced by a
// fresh assertion, or the body unchanged when it holds none.
func withAssertion(body string, source assertionSource) (string, string, error) {
	if source == nil || !strings.Contains(body, assertionPlaceholder) {
		return body, "", nil
	}
	a, err := source()
	if err != nil {
		return "", "", err
	}
	return strings.Replace(body, assertionPlaceholder, url.QueryEscape(a), 1), a, nil
}
