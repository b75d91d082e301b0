package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// devSetup is what -dev-dir serves: a demo client for each way the local
// server authenticates a client, each with other scopes, and the files a
// configuration needs to use them.
type devSetup struct {
	main, mtls    *iamserver.Server
	ciKey         crypto.Signer
	jwtKeyFile    string
	ciTokenFile   string
	mtlsCAFile    string
	mtlsCertFile  string
	mtlsKeyFile   string
	stopRotations chan struct{}
}

// The demo clients of -dev-dir. They exist only in this local server.
const (
	publishingClientID = "demo-publishing"
	publishingSecret   = "demo-publishing-secret-local-only" //nolint:gosec // a credential of the local demo server
	jwtClientID        = "demo-jwt"
	ciClientID         = "demo-ci"
	mtlsClientID       = "demo-mtls"
	// ciTokenLifetime is how long the workload-identity token written for
	// demo-ci lives; it is rewritten well before, as a CI system would.
	ciTokenLifetime = time.Hour
)

// startDev starts the servers of a development setup and writes its files
// into dir.
func startDev(dir, listen string, opts iamserver.Options, scopes []string) (*devSetup, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	jwtKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ciKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca, err := iamserver.NewCA("localiam demo CA", 30*24*time.Hour)
	if err != nil {
		return nil, err
	}
	d := &devSetup{ciKey: ciKey, stopRotations: make(chan struct{}),
		jwtKeyFile: filepath.Join(dir, "demo-jwt-key.pem"), ciTokenFile: filepath.Join(dir, "demo-ci-token.jwt"),
		mtlsCAFile: filepath.Join(dir, "mtls-server-ca.pem"), mtlsCertFile: filepath.Join(dir, "demo-mtls-cert.pem"),
		mtlsKeyFile: filepath.Join(dir, "demo-mtls-key.pem")}

	opts.Clients = []iamserver.Client{
		{ID: demoClientID, Secret: demoSecret, Scopes: scopes},
		{ID: publishingClientID, Secret: publishingSecret, Scopes: []string{"file:read", "file:write"},
			SecretMethods: []string{iamserver.MethodSecretPost}},
		{ID: jwtClientID, PublicKey: jwtKey.Public(), Scopes: []string{"graph:read"}},
		{ID: ciClientID, PublicKey: ciKey.Public(), ReusableAssertions: true, Scopes: []string{"file:read", "task:read"}},
	}
	if d.main, err = iamserver.Start(listen, opts); err != nil {
		return nil, err
	}
	mtlsOpts := opts
	mtlsOpts.Clients = []iamserver.Client{{ID: mtlsClientID, CertificateSubject: mtlsClientID, Scopes: []string{"organization:read"}}}
	mtlsOpts.TLS, mtlsOpts.ClientCAPEM = true, ca.PEM
	if d.mtls, err = iamserver.Start("127.0.0.1:0", mtlsOpts); err != nil {
		d.close()
		return nil, err
	}
	certPEM, keyPEM, err := ca.ClientCertificate(mtlsClientID)
	if err != nil {
		d.close()
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(jwtKey)
	if err != nil {
		d.close()
		return nil, err
	}
	for name, data := range map[string][]byte{d.jwtKeyFile: pemBlock("PRIVATE KEY", keyDER), d.mtlsCAFile: []byte(d.mtls.CertPEM()),
		d.mtlsCertFile: []byte(certPEM), d.mtlsKeyFile: []byte(keyPEM)} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			d.close()
			return nil, err
		}
	}
	if err := d.writeCIToken(); err != nil {
		d.close()
		return nil, err
	}
	go d.rotateCIToken()
	return d, nil
}

// writeCIToken writes a fresh workload-identity token for demo-ci, as a
// CI system's OIDC issuer would sign it for the job.
func (d *devSetup) writeCIToken() error {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: d.ciKey}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return err
	}
	jti := make([]byte, 12)
	if _, err := rand.Read(jti); err != nil {
		return err
	}
	now := time.Now()
	tok, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: ciClientID, Subject: ciClientID, Audience: jwt.Audience{d.main.TokenURL()},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(ciTokenLifetime)), ID: base64.RawURLEncoding.EncodeToString(jti)}).Serialize()
	if err != nil {
		return err
	}
	tmp := d.ciTokenFile + ".new"
	if err := os.WriteFile(tmp, []byte(tok+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, d.ciTokenFile)
}

func (d *devSetup) rotateCIToken() {
	t := time.NewTicker(ciTokenLifetime / 4)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := d.writeCIToken(); err != nil {
				fmt.Fprintln(os.Stderr, "localiam: rewriting the demo-ci token:", err)
			}
		case <-d.stopRotations:
			return
		}
	}
}

// env is the env file of the setup: export lines a shell can source.
func (d *devSetup) env() string {
	return "# The local IAM server's development setup (localiam -dev-dir). Source this file.\n" +
		exports(demoEnv(d.main, demoClientID, demoSecret)) +
		"# The other demo clients, for examples/dev's grants (TF_VAR_ sets its variables).\n" +
		exports([][2]string{{"TF_VAR_publishing_client_secret", publishingSecret}, {"TF_VAR_jwt_key_file", d.jwtKeyFile},
			{"TF_VAR_ci_token_file", d.ciTokenFile}, {"TF_VAR_mtls_token_url", d.mtls.TokenURL()},
			{"TF_VAR_mtls_server_ca_file", d.mtlsCAFile}, {"TF_VAR_mtls_cert_file", d.mtlsCertFile}, {"TF_VAR_mtls_key_file", d.mtlsKeyFile}})
}

// describe says what the setup serves.
func (d *devSetup) describe() string {
	return fmt.Sprintf(`  demo clients (one per way the server authenticates a client):
    %-18s client_secret_basic or _post, scopes as the demo grant (WORKIVA_CLIENT_ID/SECRET)
    %-18s client_secret_post only (auth_style = "body"), scopes file:read file:write
    %-18s private_key_jwt with %s, scope graph:read
    %-18s a workload-identity assertion in %s (rewritten every 15 minutes), scopes file:read task:read
    %-18s tls_client_auth at %s (mutual TLS), scope organization:read
`, demoClientID, publishingClientID, jwtClientID, d.jwtKeyFile, ciClientID, d.ciTokenFile, mtlsClientID, d.mtls.TokenURL())
}

func (d *devSetup) requests() int {
	n := len(d.main.TokenRequests())
	if d.mtls != nil {
		n += len(d.mtls.TokenRequests())
	}
	return n
}

func (d *devSetup) close() {
	close(d.stopRotations)
	if d.main != nil {
		_ = d.main.Close()
	}
	if d.mtls != nil {
		_ = d.mtls.Close()
	}
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}
