// Command localiam runs the local IAM server (internal/iamserver) on
// loopback for demos and manual testing. It prints the server's URL and a
// demo API grant, optionally writes them as shell variables to a file, and
// serves until interrupted.
//
//	go run ./internal/cmd/localiam -listen 127.0.0.1:0 -env-file /tmp/iam.env
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// The demo grant. It exists only in this local server.
const (
	demoClientID = "demo-integration"
	demoSecret   = "demo-secret-local-only" //nolint:gosec // a credential of the local demo server, not a real one
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "localiam:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("localiam", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	envFile := fs.String("env-file", "", "also write WORKIVA_* variables for the demo grant to this file, as shell assignments")
	latency := fs.Duration("latency", 0, "delay added before every token response")
	lifetime := fs.Duration("lifetime", iamserver.DefaultTokenLifetime, "lifetime of issued tokens")
	scopes := fs.String("scopes", "file:read graph:read", "space-separated scopes of the demo grant")
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv, err := iamserver.Start(*listen, iamserver.Options{
		Clients:       []iamserver.Client{{ID: demoClientID, Secret: demoSecret, Scopes: strings.Fields(*scopes)}},
		Latency:       *latency,
		TokenLifetime: *lifetime,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	vars := fmt.Sprintf("WORKIVA_TOKEN_URL=%s\nWORKIVA_CLIENT_ID=%s\nWORKIVA_CLIENT_SECRET=%s\nWORKIVA_PROTECTED_URL=%s\n",
		srv.TokenURL(), demoClientID, demoSecret, srv.ProtectedURL())
	fmt.Fprintf(stdout, "local IAM server listening on %s\n", srv.URL())
	fmt.Fprintf(stdout, "  token endpoint:   %s (X-Version %s)\n", srv.TokenURL(), iamserver.CurrentVersion)
	fmt.Fprintf(stdout, "  legacy endpoint:  %s (no X-Version)\n", srv.LegacyTokenURL())
	fmt.Fprintf(stdout, "  protected route:  GET %s (needs scope %s)\n", srv.ProtectedURL(), iamserver.ProtectedScope)
	fmt.Fprintf(stdout, "  demo grant:       client id %q, secret %q, scopes %q\n", demoClientID, demoSecret, *scopes)
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(vars), 0o600); err != nil {
			return err
		}
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	n := len(srv.TokenRequests())
	fmt.Fprintf(stdout, "stopping after %d token requests\n", n)
	return nil
}
