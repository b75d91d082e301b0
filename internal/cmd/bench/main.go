// Command bench measures what tokens cost a Terraform run: token requests
// and `terraform plan`/`apply` wall time for N consumers of workiva_token
// (data source and ephemeral resource), against N `data "http"` reads of the
// same token JSON (hashicorp/http, the baseline users pick today), against a
// single consumer (the fixed cost of Terraform and the plugin), with a
// workload identity from the local GitHub Actions fake against a client
// secret, and against the floor: a minimal provider whose data source has
// workiva_token's schema and returns fixed values (./floorprovider), the
// least any provider can cost per data source. It also measures what
// workiva_api_proxy adds to a consumer's requests (-proxy-only measures
// that alone, without Terraform).
//
// It builds the provider and the floor provider, runs the local IAM server
// in-process on loopback with a per-request latency, wires the providers in
// with dev_overrides, interleaves the runs of all cases, and prints one
// table (also written to BENCHMARKS.md with the machine, the method and the
// ratios, from report.md.tmpl).
//
//	go run ./internal/cmd/bench -http-provider /path/to/terraform-provider-http
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

const (
	clientID = "bench-client"
	secret   = "bench-secret" //nolint:gosec // a credential of the local benchmark server
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// binaries are the provider builds a run wires in with dev_overrides.
type binaries struct {
	workiva, floor, http string
}

func run() error {
	runs := flag.Int("runs", 5, "runs of every case (interleaved)")
	latencies := flag.String("latency", "50ms,0ms", "comma-separated latencies of the local IAM server")
	httpProvider := flag.String("http-provider", "", "path to a terraform-provider-http binary (hashicorp/http v1.2.0); empty skips case c")
	out := flag.String("out", "BENCHMARKS.md", "Markdown file to write; empty writes none")
	proxyOnly := flag.Bool("proxy-only", false, "measure only the API proxy and print its table (no Terraform, no file)")
	flag.Parse()
	if *proxyOnly {
		px, err := measureProxy()
		if err != nil {
			return err
		}
		table, missed := px.table()
		fmt.Print(table)
		return missed
	}

	lats, err := parseLatencies(*latencies)
	if err != nil {
		return err
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return errors.New("terraform (1.10 or later) must be on PATH")
	}
	work, err := os.MkdirTemp("", "workiva-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Println("==> building the provider and the floor provider")
	bins, err := build(work, *httpProvider)
	if err != nil {
		return err
	}
	rc, err := writeCLIConfig(work, bins)
	if err != nil {
		return err
	}

	ci, err := iamserver.NewCIIssuer("https://token.actions.githubusercontent.com")
	if err != nil {
		return err
	}
	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{Clients: benchClients(ci),
		CI: &iamserver.CIFakes{Issuer: ci, Subject: workloadSubject, RequestToken: ciRequestToken}, Discovery: &iamserver.Discovery{}})
	if err != nil {
		return err
	}
	defer srv.Close()

	cases := allCases(lats, bins.http != "")
	dirs := map[benchCase]string{}
	for i, c := range cases {
		d := filepath.Join(work, fmt.Sprintf("case%02d", i))
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "main.tf"), []byte(c.config(srv)), 0o600); err != nil {
			return err
		}
		dirs[c] = d
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"WORKIVA_TOKEN_URL="+srv.TokenURL())

	results := map[benchCase]*result{}
	for _, c := range cases {
		results[c] = &result{}
	}
	start := time.Now()
	for r := 1; r <= *runs; r++ {
		fmt.Printf("==> run %d of %d (%d cases)\n", r, *runs, len(cases))
		for _, c := range cases {
			srv.SetLatency(c.latency)
			measure(tf, append(slices.Clip(env), c.env(srv)...), dirs[c], c, srv, results[c], bins.watched(c.kind))
		}
	}
	elapsed := time.Since(start)

	schemaTime, schemaTypes, err := schemaStartup()
	if err != nil {
		return err
	}
	fmt.Println("==> the API proxy against calling the server directly")
	px, err := measureProxy()
	if err != nil {
		return err
	}
	proxyTable, proxyMissed := px.table()
	fmt.Println("==> Go benchmarks (token cache, protocol server)")
	rep := report{
		cases: cases, results: results, runs: *runs, latencies: lats, elapsed: elapsed,
		schemaTime: schemaTime, schemaTypes: schemaTypes, cliSchema: timeCLISchema(tf, append(slices.Clip(env), cases[0].env(srv)...), dirs[cases[0]]),
		withHTTP: bins.http != "", goBench: goBenchmarks(), proxy: proxyTable,
	}
	table := rep.table()
	fmt.Println()
	fmt.Print(table)
	if *out != "" {
		md, err := rep.markdown(table)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, []byte(md), 0o600); err != nil {
			return err
		}
		fmt.Println("wrote", *out)
	}
	if proxyMissed != nil {
		return proxyMissed
	}
	for _, c := range cases {
		if results[c].lastError != "" {
			return fmt.Errorf("%s failed: %s", c.name(), results[c].lastError)
		}
	}
	return nil
}

// build compiles this tree's provider and the floor provider into work/bin
// and work/floor, and links the given hashicorp/http binary into work/httpbin.
func build(work, httpProvider string) (binaries, error) {
	var b binaries
	for _, t := range []struct {
		dir, name, pkg string
		out            *string
	}{
		{"bin", "terraform-provider-workiva", ".", &b.workiva},
		{"floor", "terraform-provider-workiva", "./internal/cmd/bench/floorprovider", &b.floor},
	} {
		*t.out = filepath.Join(work, t.dir, t.name)
		if err := os.MkdirAll(filepath.Dir(*t.out), 0o750); err != nil {
			return b, err
		}
		if out, err := exec.CommandContext(context.Background(), "go", "build", "-o", *t.out, t.pkg).CombinedOutput(); err != nil { //nolint:gosec // builds this tree
			return b, fmt.Errorf("go build %s: %w\n%s", t.pkg, err, out)
		}
	}
	if httpProvider != "" {
		b.http = filepath.Join(work, "httpbin", "terraform-provider-http")
		if err := os.MkdirAll(filepath.Dir(b.http), 0o750); err != nil {
			return b, err
		}
		abs, err := filepath.Abs(httpProvider)
		if err != nil {
			return b, err
		}
		if err := os.Symlink(abs, b.http); err != nil {
			return b, err
		}
	}
	return b, nil
}

// watched is the provider binary whose RSS a case samples.
func (b binaries) watched(k kind) string {
	if k == kindFloor {
		return b.floor
	}
	return b.workiva
}
