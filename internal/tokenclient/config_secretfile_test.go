package tokenclient_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// A client secret from a file (a Vault Agent template, a mounted
// Kubernetes secret) is read for every token request, so a rotated secret
// needs no restart; one trailing newline is trimmed; every secret read is
// told to the caller with the client id; a missing or empty file is an
// error naming it, and nothing is sent.
func TestClientSecretFile(t *testing.T) {
	srv := startServer(t, iamserver.Options{Clients: []iamserver.Client{{ID: "rotating", Secret: "first-secret", Scopes: []string{"file:read"}}}})
	file := filepath.Join(t.TempDir(), "secret")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("first-secret\n")
	for _, style := range []tokenclient.AuthStyle{tokenclient.AuthStyleHeader, tokenclient.AuthStyleBody, tokenclient.AuthStyleAuto} {
		var told []string
		c, err := tokenclient.New(tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: "rotating", ClientSecretFile: file, AuthStyle: style,
			APIVersion: "2026-01-01", SensitiveSecret: func(id, secret string) { told = append(told, id+":"+secret) }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Token(context.Background(), []string{"file:read"}); err != nil {
			t.Fatalf("%s: %v", style, err)
		}
		if len(told) != 1 || told[0] != "rotating:first-secret" {
			t.Errorf("%s: told %q", style, told)
		}
	}

	// Rotation: the server's secret and the file change; a new scope set
	// asks again, with the new secret.
	srv2 := startServer(t, iamserver.Options{Clients: []iamserver.Client{{ID: "rotating", Secret: "second-secret", Scopes: []string{"file:read", "graph:read"}}}})
	write("first-secret")
	c, err := tokenclient.New(tokenclient.Config{TokenURL: srv2.TokenURL(), ClientID: "rotating", ClientSecretFile: file, APIVersion: "2026-01-01", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(context.Background(), []string{"file:read"}); err == nil {
		t.Fatal("the old secret was accepted")
	}
	write("second-secret\r\n")
	if _, err := c.Token(context.Background(), []string{"graph:read"}); err != nil {
		t.Fatalf("after rotation: %v", err)
	}

	for name, setup := range map[string]func(){"missing": func() { _ = os.Remove(file) }, "empty": func() { write("\n") }} {
		setup()
		before := len(srv2.TokenRequests())
		_, err := c.Token(context.Background(), []string{"file:read", "graph:read"})
		var te *tokenclient.Error
		var sfe *tokenclient.SecretFileError
		if !errors.As(err, &te) || te.Kind != tokenclient.KindNotSent || !errors.As(err, &sfe) || sfe.Empty != (name == "empty") {
			t.Errorf("%s file: got %v", name, err)
		}
		if n := len(srv2.TokenRequests()) - before; n != 0 {
			t.Errorf("%s file: %d requests sent", name, n)
		}
		if strings.Contains(err.Error(), file) {
			t.Errorf("%s file: the error names the file, which may be a secret written in the wrong place: %v", name, err)
		}
	}
}
