package tokenclient

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

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
