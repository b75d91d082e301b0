// Command localiam runs the local IAM server (internal/iamserver) on
// loopback for demos and manual testing. It prints the server's URL and a
// demo API grant, optionally writes them as shell export lines to a file,
// and serves until interrupted. With -dev-dir (what `make dev` runs) it
// serves a demo client for each way a client authenticates, and writes
// their keys, certificates and an env file into the directory.
//
//	go run ./internal/cmd/localiam -listen 127.0.0.1:0 -env-file /tmp/iam.env
//	go run ./internal/cmd/localiam -dev-dir .dev
package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
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
	envFile := fs.String("env-file", "", "also write export lines of WORKIVA_* variables for the demo grant to this file")
	devDir := fs.String("dev-dir", "", "serve a demo client for each way a client authenticates (and a mutual-TLS endpoint), "+
		"and write their keys, certificates, a workload-identity token and an env file (DIR/env) into this directory")
	latency := fs.Duration("latency", 0, "delay added before every token response")
	lifetime := fs.Duration("lifetime", iamserver.DefaultTokenLifetime, "lifetime of issued tokens")
	scopes := fs.String("scopes", "file:read graph:read", "space-separated scopes of the demo grant")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := iamserver.Options{Latency: *latency, TokenLifetime: *lifetime}
	var srv *iamserver.Server
	var dev *devSetup
	vars, requests := "", func() int { return len(srv.TokenRequests()) }
	if *devDir != "" {
		var err error
		if dev, err = startDev(*devDir, *listen, opts, strings.Fields(*scopes)); err != nil {
			return err
		}
		defer dev.close()
		srv, vars, requests = dev.main, dev.env(), dev.requests
		*envFile = cmp.Or(*envFile, filepath.Join(*devDir, "env"))
	} else {
		opts.Clients = []iamserver.Client{{ID: demoClientID, Secret: demoSecret, Scopes: strings.Fields(*scopes)}}
		var err error
		if srv, err = iamserver.Start(*listen, opts); err != nil {
			return err
		}
		defer srv.Close()
		vars = exports(demoEnv(srv, demoClientID, demoSecret))
	}

	fmt.Fprintf(stdout, "local IAM server listening on %s\n", srv.URL())
	fmt.Fprintf(stdout, "  token endpoint:   %s (X-Version %s)\n", srv.TokenURL(), iamserver.CurrentVersion)
	fmt.Fprintf(stdout, "  legacy endpoint:  %s (no X-Version)\n", srv.LegacyTokenURL())
	fmt.Fprintf(stdout, "  protected route:  GET %s (needs scope %s)\n", srv.ProtectedURL(), iamserver.ProtectedScope)
	fmt.Fprintf(stdout, "  demo grant:       client id %q, secret %q, scopes %q\n", demoClientID, demoSecret, *scopes)
	if dev != nil {
		fmt.Fprint(stdout, dev.describe())
	}
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(vars), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  env file:         %s (source it)\n", *envFile)
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	fmt.Fprintf(stdout, "stopping after %d token requests\n", requests())
	return nil
}

// demoEnv are the variables of the demo grant at srv.
func demoEnv(srv *iamserver.Server, id, secret string) [][2]string {
	return [][2]string{{"WORKIVA_TOKEN_URL", srv.TokenURL()}, {"WORKIVA_CLIENT_ID", id}, {"WORKIVA_CLIENT_SECRET", secret},
		{"WORKIVA_PROTECTED_URL", srv.ProtectedURL()}}
}

// exports writes variables as shell export lines, single-quoted.
func exports(vars [][2]string) string {
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s='%s'\n", v[0], strings.ReplaceAll(v[1], "'", `'\''`))
	}
	return b.String()
}
