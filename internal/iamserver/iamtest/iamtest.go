// Package iamtest makes the keys and certificates that tests give the local
// IAM server's clients and the provider: RSA and EC P-256 private keys in
// each PEM encoding, and a CA that issues client certificates. Everything
// is generated afresh in memory; nothing here is a real credential.
package iamtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// Key is a private key with its PEM encoding.
type Key struct {
	Signer crypto.Signer
	PEM    string
}

// Public is the key's public half, for iamserver.Client.PublicKey.
func (k Key) Public() crypto.PublicKey { return k.Signer.Public() }

// The PEM encodings of a private key.
const (
	PKCS1 = "PKCS1" // RSA PRIVATE KEY
	SEC1  = "SEC1"  // EC PRIVATE KEY
	PKCS8 = "PKCS8" // PRIVATE KEY
)

// RSAKey is a new 2048-bit RSA key in PKCS1 or PKCS8.
func RSAKey(t testing.TB, encoding string) Key {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if encoding == PKCS1 {
		return Key{k, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))}
	}
	return Key{k, pkcs8(t, k)}
}

// ECKey is a new EC key on curve in SEC1 or PKCS8.
func ECKey(t testing.TB, curve elliptic.Curve, encoding string) Key {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if encoding == SEC1 {
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return Key{k, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))}
	}
	return Key{k, pkcs8(t, k)}
}

func pkcs8(t testing.TB, k crypto.Signer) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// CA issues client certificates (iamserver.CA, failing the test on error).
type CA struct {
	ca *iamserver.CA
	// PEM is the CA certificate, for iamserver.Options.ClientCAPEM.
	PEM string
}

// NewCA is a new CA.
func NewCA(t testing.TB) *CA {
	t.Helper()
	ca, err := iamserver.NewCA("local IAM test CA", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return &CA{ca: ca, PEM: ca.PEM}
}

// ClientCertificate issues a client certificate for commonName and returns
// it and its key, both PEM.
func (c *CA) ClientCertificate(t testing.TB, commonName string) (certPEM, keyPEM string) {
	t.Helper()
	certPEM, keyPEM, err := c.ca.ClientCertificate(commonName)
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, keyPEM
}
