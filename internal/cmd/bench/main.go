// Command bench measures what tokens cost a Terraform run: token requests
// and `terraform plan`/`apply` wall time for N consumers of workiva_token
// (data source and ephemeral resource), against N `data "http"` reads of the
// same token JSON (hashicorp/http, the baseline users pick today) and
// against a single consumer (the fixed cost of Terraform and the plugin).
//
// It builds the provider, runs the local IAM server in-process on loopback
// with a per-request latency, wires both providers in with dev_overrides,
// interleaves the runs of all cases, and prints one table (also written to
// BENCHMARKS.md with the machine, the method and the ratios).
//
//	go run ./internal/cmd/bench -http-provider /path/to/terraform-provider-http
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

const (
	clientID = "bench-client"
	secret   = "bench-secret" //nolint:gosec // a credential of the local benchmark server
)

var benchScopes = []string{"file:read", "graph:read", "task:read", "activity:read"}

type kind string

const (
	kindData      kind = "data workiva_token"
	kindEphemeral kind = "ephemeral workiva_token"
	kindHTTP      kind = "data http"
)

type benchCase struct {
	kind      kind
	consumers int
	scopeSets int
	latency   time.Duration
}

func (c benchCase) name() string {
	n := strconv.Itoa(c.consumers)
	if c.scopeSets > 1 {
		n += fmt.Sprintf(" over %d scope sets", c.scopeSets)
	}
	return fmt.Sprintf("%s × %s", c.kind, n)
}

type result struct {
	plan, apply   []time.Duration
	tokenRequests []int // per plan+apply run (plan only for data cases)
	planRequests  []int
	peakRSSKiB    int64
	lastError     string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	runs := flag.Int("runs", 5, "runs of every case (interleaved)")
	latencies := flag.String("latency", "50ms,0ms", "comma-separated latencies of the local IAM server")
	httpProvider := flag.String("http-provider", "", "path to a terraform-provider-http binary (hashicorp/http v1.2.0); empty skips case c")
	out := flag.String("out", "BENCHMARKS.md", "Markdown file to write; empty writes none")
	flag.Parse()

	var lats []time.Duration
	for _, s := range strings.Split(*latencies, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return err
		}
		lats = append(lats, d)
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

	fmt.Println("==> building the provider")
	bin := filepath.Join(work, "bin")
	if err := os.MkdirAll(bin, 0o750); err != nil {
		return err
	}
	self := filepath.Join(bin, "terraform-provider-workiva")
	if out, err := exec.CommandContext(context.Background(), "go", "build", "-o", self, ".").CombinedOutput(); err != nil { //nolint:gosec // builds this tree
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	httpBin := filepath.Join(work, "httpbin")
	if *httpProvider != "" {
		if err := os.MkdirAll(httpBin, 0o750); err != nil {
			return err
		}
		if err := os.Symlink(mustAbs(*httpProvider), filepath.Join(httpBin, "terraform-provider-http")); err != nil {
			return err
		}
	}
	rc := filepath.Join(work, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/clientcreds/workiva\" = %q\n", bin)
	if *httpProvider != "" {
		rcText += fmt.Sprintf("    \"registry.terraform.io/hashicorp/http\" = %q\n", httpBin)
	}
	rcText += "  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		return err
	}

	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{Clients: []iamserver.Client{{ID: clientID, Secret: secret, Scopes: benchScopes}}})
	if err != nil {
		return err
	}
	defer srv.Close()

	var cases []benchCase
	for _, lat := range lats {
		kinds := []kind{kindData, kindEphemeral}
		if *httpProvider != "" {
			kinds = append(kinds, kindHTTP)
		}
		for _, k := range kinds {
			for _, n := range []int{1, 10, 100} {
				cases = append(cases, benchCase{kind: k, consumers: n, scopeSets: 1, latency: lat})
			}
			cases = append(cases, benchCase{kind: k, consumers: 100, scopeSets: 4, latency: lat})
		}
	}
	dirs := map[benchCase]string{}
	for i, c := range cases {
		d := filepath.Join(work, fmt.Sprintf("case%02d", i))
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "main.tf"), []byte(config(c, srv)), 0o600); err != nil {
			return err
		}
		dirs[c] = d
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"WORKIVA_CLIENT_ID="+clientID, "WORKIVA_CLIENT_SECRET="+secret, "WORKIVA_TOKEN_URL="+srv.TokenURL())

	results := map[benchCase]*result{}
	for _, c := range cases {
		results[c] = &result{}
	}
	start := time.Now()
	for r := 1; r <= *runs; r++ {
		fmt.Printf("==> run %d of %d (%d cases)\n", r, *runs, len(cases))
		for _, c := range cases {
			srv.SetLatency(c.latency)
			measure(tf, env, dirs[c], c, srv, results[c], self)
		}
	}
	elapsed := time.Since(start)

	schemaTime, schemaBytes, err := schemaStartup()
	if err != nil {
		return err
	}
	cliSchema := timeCLISchema(tf, env, dirs[cases[0]])
	fmt.Println("==> Go benchmarks (token cache, protocol server)")
	goBench := goBenchmarks()

	report := render(cases, results, *runs, lats, elapsed, schemaTime, schemaBytes, cliSchema, *httpProvider != "", goBench)
	fmt.Println()
	fmt.Print(report.table)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report.markdown), 0o600); err != nil {
			return err
		}
		fmt.Println("wrote", *out)
	}
	for _, c := range cases {
		if results[c].lastError != "" {
			return fmt.Errorf("%s failed: %s", c.name(), results[c].lastError)
		}
	}
	return nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// config is the Terraform configuration of a case.
func config(c benchCase, srv *iamserver.Server) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    workiva = {\n      source = \"registry.terraform.io/clientcreds/workiva\"\n    }\n")
	if c.kind == kindHTTP {
		b.WriteString("    http = {\n      source = \"registry.terraform.io/hashicorp/http\"\n    }\n")
	}
	b.WriteString("  }\n}\n\n")
	scopeList := make([]string, c.scopeSets)
	for i := range scopeList {
		scopeList[i] = fmt.Sprintf("[%q]", benchScopes[i])
	}
	fmt.Fprintf(&b, "locals {\n  scope_sets = [%s]\n}\n\n", strings.Join(scopeList, ", "))
	// The provider authenticates for the first scope set, as a configuration
	// whose tokens share the provider's scopes does.
	provider := fmt.Sprintf("provider \"workiva\" {\n  scopes = [%q]\n}\n\n", benchScopes[0])
	switch c.kind {
	case kindData:
		b.WriteString(provider)
		fmt.Fprintf(&b, "data \"workiva_token\" \"t\" {\n  count  = %d\n  scopes = local.scope_sets[count.index %% %d]\n}\n", c.consumers, c.scopeSets)
	case kindEphemeral:
		b.WriteString(provider)
		fmt.Fprintf(&b, "ephemeral \"workiva_token\" \"t\" {\n  count  = %d\n  scopes = local.scope_sets[count.index %% %d]\n}\n\n", c.consumers, c.scopeSets)
		fmt.Fprintf(&b, "resource \"terraform_data\" \"use\" {\n  count = %d\n  provisioner \"local-exec\" {\n    command     = \"true\"\n    environment = { TOKEN = ephemeral.workiva_token.t[count.index].access_token }\n  }\n}\n", c.consumers)
	case kindHTTP:
		auth := base64.StdEncoding.EncodeToString([]byte(clientID + ":" + secret))
		fmt.Fprintf(&b, "data \"http\" \"t\" {\n  count = %d\n  url   = \"%s%s?scope=${local.scope_sets[count.index %% %d][0]}\"\n  request_headers = {\n    Authorization = %q\n    Accept        = \"application/json\"\n  }\n}\n",
			c.consumers, srv.URL(), iamserver.BenchTokenPath, c.scopeSets, "Basic "+auth)
	}
	return b.String()
}

// measure runs one plan (and for the ephemeral kind one apply from an
// empty state) and records times, token requests and peak RSS.
func measure(tf string, env []string, dir string, c benchCase, srv *iamserver.Server, res *result, providerPath string) {
	_ = os.Remove(filepath.Join(dir, "terraform.tfstate"))
	before := len(srv.TokenRequests())
	stop := watchRSS(providerPath)
	d, err := timeCmd(tf, env, "-chdir="+dir, "plan", "-input=false", "-no-color", "-lock=false", "-refresh=true")
	if err != nil {
		res.lastError = err.Error()
		stop()
		return
	}
	res.plan = append(res.plan, d)
	res.planRequests = append(res.planRequests, len(srv.TokenRequests())-before)
	if c.kind == kindEphemeral {
		d, err := timeCmd(tf, env, "-chdir="+dir, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false")
		if err != nil {
			res.lastError = err.Error()
		} else {
			res.apply = append(res.apply, d)
		}
	}
	if rss := stop(); rss > res.peakRSSKiB {
		res.peakRSSKiB = rss
	}
	res.tokenRequests = append(res.tokenRequests, len(srv.TokenRequests())-before)
}

func timeCmd(tf string, env []string, args ...string) (time.Duration, error) {
	cmd := exec.CommandContext(context.Background(), tf, args...) //nolint:gosec // runs the terraform found on PATH
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 2000))
	}
	return d, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// watchRSS polls /proc for processes running providerPath and keeps the
// largest VmHWM (peak resident set) seen; the returned func stops polling
// and returns it in KiB. Polling every 5 ms can miss growth in a process's
// last milliseconds.
func watchRSS(providerPath string) func() int64 {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v := scanHWM(providerPath); v > 0 {
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func scanHWM(providerPath string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var best int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || exe != providerPath {
			continue
		}
		f, err := os.Open(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				best = max(best, n)
			}
		}
		_ = f.Close()
	}
	return best
}

// schemaStartup times the provider's first GetProviderSchema in-process
// (building the provider server and its schemas), the median of 20.
func schemaStartup() (time.Duration, int, error) {
	var times []time.Duration
	var size int
	for range 20 {
		start := time.Now()
		srv := providerserver.NewProtocol6(provider.New("bench")())()
		resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			return 0, 0, err
		}
		times = append(times, time.Since(start))
		size = len(resp.DataSourceSchemas) + len(resp.EphemeralResourceSchemas)
	}
	return median(times), size, nil
}

// timeCLISchema times `terraform providers schema -json` (CLI start,
// provider process start and GetProviderSchema), the median of 5.
func timeCLISchema(tf string, env []string, dir string) time.Duration {
	var times []time.Duration
	for range 5 {
		d, err := timeCmd(tf, env, "-chdir="+dir, "providers", "schema", "-json")
		if err != nil {
			return 0
		}
		times = append(times, d)
	}
	return median(times)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianInt(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}

func fmtDur(ds []time.Duration) string {
	if len(ds) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f s (%.2f–%.2f)", median(ds).Seconds(), slices.Min(ds).Seconds(), slices.Max(ds).Seconds())
}

type rendered struct{ table, markdown string }

// targets compares the run with the targets the project holds itself to.
func targets(cases []benchCase, results map[benchCase]*result, lats []time.Duration, withHTTP bool) string {
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	var b strings.Builder
	b.WriteString("\n#### Targets\n\n| target | measured | |\n|---|---|---|\n")
	worst := 0.0
	var peak int64
	for _, c := range cases {
		r := results[c]
		peak = max(peak, r.peakRSSKiB)
		if c.kind == kindHTTP {
			continue
		}
		worst = max(worst, medianInt(r.planRequests)/float64(c.scopeSets))
	}
	fmt.Fprintf(&b, "| token requests ≤ 1 per scope set per phase (plan) | %g | %s |\n", worst, verdict(worst <= 1))
	for _, lat := range lats {
		if lat != 50*time.Millisecond {
			continue
		}
		get := func(k kind, n int) time.Duration {
			return median(results[benchCase{kind: k, consumers: n, scopeSets: 1, latency: lat}].plan)
		}
		ad := get(kindData, 100).Seconds() / get(kindData, 1).Seconds()
		fmt.Fprintf(&b, "| plan, 100 consumers ≤ 1.4 × single-consumer floor (a/d, 50 ms) | %.2f | %s |\n", ad, verdict(ad <= 1.4))
		if withHTTP {
			ac := get(kindData, 100).Seconds() / get(kindHTTP, 100).Seconds()
			fmt.Fprintf(&b, "| plan, 100 consumers ≤ 0.45 × data \"http\" (a/c, 50 ms) | %.2f | %s |\n", ac, verdict(ac <= 0.45))
		}
	}
	fmt.Fprintf(&b, "| provider peak RSS ≤ 40 MiB | %.1f MiB | %s |\n", float64(peak)/1024, verdict(peak <= 40*1024))
	return b.String()
}

// goBenchmarks runs the Go benchmarks of the token cache and of the
// provider's protocol server and returns their result lines.
func goBenchmarks() string {
	cmd := exec.CommandContext(context.Background(), "go", "test", "-run", "^$", "-bench", ".", "-benchtime", "1s", "./internal/tokenclient", "./internal/provider")
	out, err := cmd.CombinedOutput()
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			lines = append(lines, l)
		}
	}
	if err != nil {
		lines = append(lines, "go test -bench failed: "+err.Error())
	}
	return strings.Join(lines, "\n")
}

func render(cases []benchCase, results map[benchCase]*result, runs int, lats []time.Duration, elapsed, schemaTime time.Duration, schemaTypes int, cliSchema time.Duration, withHTTP bool, goBench string) rendered {
	var t strings.Builder
	for _, lat := range lats {
		fmt.Fprintf(&t, "\n#### Token endpoint latency %s\n\n", lat)
		t.WriteString("| case | plan: median (min–max) | apply: median (min–max) | token requests per plan | per plan+apply | provider peak RSS |\n")
		t.WriteString("|---|---|---|---|---|---|\n")
		for _, c := range cases {
			if c.latency != lat {
				continue
			}
			r := results[c]
			perRun := "–"
			if c.kind == kindEphemeral {
				perRun = fmt.Sprintf("%g", medianInt(r.tokenRequests))
			}
			fmt.Fprintf(&t, "| %s | %s | %s | %g | %s | %.1f MiB |\n", c.name(), fmtDur(r.plan), fmtDur(r.apply), medianInt(r.planRequests), perRun, float64(r.peakRSSKiB)/1024)
		}
		t.WriteString("\nRatios of median plan times (100 consumers of one scope set):\n\n")
		get := func(k kind, n int) time.Duration {
			return median(results[benchCase{kind: k, consumers: n, scopeSets: 1, latency: lat}].plan)
		}
		ratio := func(a, b time.Duration) string {
			if b == 0 || a == 0 {
				return "–"
			}
			return fmt.Sprintf("%.2f", a.Seconds()/b.Seconds())
		}
		a, d := get(kindData, 100), get(kindData, 1)
		b, db := get(kindEphemeral, 100), get(kindEphemeral, 1)
		fmt.Fprintf(&t, "- a/d (data ×100 / data ×1): **%s**\n", ratio(a, d))
		fmt.Fprintf(&t, "- b/d (ephemeral ×100 / ephemeral ×1): **%s**\n", ratio(b, db))
		if withHTTP {
			fmt.Fprintf(&t, "- a/c (data ×100 / http ×100): **%s**\n", ratio(a, get(kindHTTP, 100)))
		}
	}
	t.WriteString(targets(cases, results, lats, withHTTP))
	fmt.Fprintf(&t, "\nGetProviderSchema, in-process (provider server construction and first call, %d types): median %s\n", schemaTypes, schemaTime.Round(time.Microsecond))
	if cliSchema > 0 {
		fmt.Fprintf(&t, "`terraform providers schema -json` (CLI, provider process start, schema): median %s\n", cliSchema.Round(time.Millisecond))
	}
	fmt.Fprintf(&t, "\nGo benchmarks (`go test -bench . -benchtime 1s ./internal/tokenclient ./internal/provider`):\n\n```\n%s\n```\n", goBench)

	var m strings.Builder
	m.WriteString("# Benchmarks\n\n")
	m.WriteString("Generated by `make bench` (`go run ./internal/cmd/bench`); edit the notes in `internal/cmd/bench`, not here.\n\n")
	fmt.Fprintf(&m, "- Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&m, "- Machine: %s, %d CPUs (%s), %s/%s, %s\n", cpuModel(), runtime.NumCPU(), memTotal(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&m, "- Terraform: %s\n", terraformVersion())
	fmt.Fprintf(&m, "- Runs: %d of every case, interleaved (every case once, then again); whole run %s\n\n", runs, elapsed.Round(time.Second))
	m.WriteString(methodText)
	m.WriteString("\n## Results\n")
	m.WriteString(t.String())
	m.WriteString(notesText)
	if !withHTTP {
		m.WriteString("\nThis run had no hashicorp/http build (`-http-provider`), so case c and a/c are missing.\n")
	}
	return rendered{table: t.String(), markdown: m.String()}
}

const methodText = `## Method

The local IAM server (internal/iamserver) runs in the benchmark process on 127.0.0.1 and waits the given
latency before every token response, to stand for a remote endpoint. Providers are wired in with ` + "`dev_overrides`" + `
(the build of this tree, and for case c a hashicorp/http binary). Cases, each for N = 1, 10, 100 consumers of one
scope set and N = 100 over 4 scope sets:

- **a** ` + "`data \"workiva_token\"`" + ` × N: time of ` + "`terraform plan`" + `;
- **b** ` + "`ephemeral \"workiva_token\"`" + ` × N, each consumed by a ` + "`terraform_data`" + ` local-exec environment:
  ` + "`terraform plan`" + `, then ` + "`terraform apply`" + ` from an empty state;
- **c** ` + "`data \"http\"`" + ` × N GETs of the server's bench route, which answers the same token JSON after the
  same latency;
- **d** the floor: the same configuration with one consumer (the N = 1 rows): Terraform's and the plugin's
  fixed cost, including the provider authenticating once.

Token requests are counted by the server. Peak RSS is the largest VmHWM of the provider process, polled from
/proc every 5 ms over all runs of the case.
`

const notesText = `
## Where the time per consumer goes, and what was cut

Profiled on 2026-11-23 (perf on the provider process of a 100-data-source plan, and the Go benchmarks of the
protocol server). Before the changes below, a run of this benchmark (1 run, 50 ms) measured a/d 1.56 and
a/c 0.80; after them, a 3-run check measured a/d 1.41 and a/c 0.51, and the table above is the run that wrote
this file.

- **Unread SDK logs.** terraform-plugin-go and the framework log every RPC at TRACE by default (about ten JSON
  lines per read: request received, validators called, response sent…) and leave filtering to Terraform, which
  throws them away unless TF_LOG or TF_LOG_PROVIDER is set. Serialising them, writing them to stderr and parsing
  them in Terraform was about half of each read's cost. main.go now turns the SDK loggers off when no log
  variable is set; with TF_LOG set, logging is unchanged (TestCLISecretsStayOut reads the provider's lines in a
  TRACE log).
- **Struct reflection.** tfsdk Config.Get and State.Set on a model struct compile a regular expression per
  struct field on every call (framework internal/reflect), about a tenth of the provider's CPU per read.
  workiva_token now reads its two inputs from the raw configuration value and writes a types.Object.
  BenchmarkReadDataSource went from about 240 µs and 2,120 allocations to about 130 µs and 1,130.
- **Token requests** were already one per scope set per phase (coalesced, cached), so latency adds once, not
  per consumer.

What the provider does not control, and what remains:

- Terraform core's own work per data source or ephemeral resource instance (evaluation, validation RPC, read or
  open RPC, close RPC for ephemeral resources, state and plan bookkeeping): about half the remaining CPU per
  consumer in the measurements above (user+sys of terraform versus the provider process).
- The framework's per-RPC work: decoding and re-encoding the msgpack values, the semantic-equality walk over
  every attribute of each result, per-request logger and context set-up in terraform-plugin-go (even with the
  loggers off), gRPC with mutual TLS over a Unix socket, and goroutine stack growth per request.
- Terraform starts three provider processes per plan (schema, validate, plan walk), each generating its mutual
  TLS certificate: part of the floor d, the same for every N.
- The ephemeral case b also plans N terraform_data resources, which its floor (N = 1) does not: b/d includes
  Terraform's cost of those resources.

## Notes

- hashicorp/http: the Go module proxy serves only v1.2.0 of terraform-provider-http
  (` + "`go install github.com/terraform-providers/terraform-provider-http@v1.2.0`" + `), which sends GET only, so case c
  reads a GET route of the local server that answers the same token JSON, not the POST token endpoint. Newer
  hashicorp/http releases (POST, retries) could not be built here.
- Times are wall-clock times of whole CLI runs on a shared 2-core virtual machine: expect a few percent of noise
  between runs, more for the sub-second cases. Min–max shows the spread; ratios use medians of interleaved runs.
- Terraform reads up to 10 data sources and opens up to 10 ephemeral resources at once (-parallelism), so at
  50 ms latency 100 http reads cost at least 10 × 50 ms, while 100 workiva_token consumers of one scope set cost
  one token request.
- Peak RSS is sampled: growth in a process's last 5 ms can be missed.
`

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown memory"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return fmt.Sprintf("%.0f GiB", float64(kb)/1024/1024)
		}
	}
	return "unknown memory"
}

func terraformVersion() string {
	out, err := exec.CommandContext(context.Background(), "terraform", "version").Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return line
}
