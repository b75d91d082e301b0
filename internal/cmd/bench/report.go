package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"text/template"
	"time"
)

//go:embed report.md.tmpl
var reportTemplate string

// report is a finished run.
type report struct {
	cases       []benchCase
	results     map[benchCase]*result
	runs        int
	latencies   []time.Duration
	elapsed     time.Duration
	schemaTime  time.Duration
	schemaTypes int
	cliSchema   time.Duration
	withHTTP    bool
	goBench     string
	// proxy is the API proxy's table (proxy.go).
	proxy string
}

// result is the result of the case with n consumers of one scope set; an
// empty one when the case did not run.
func (r report) result(k kind, n int, lat time.Duration) *result {
	if res := r.results[benchCase{kind: k, consumers: n, scopeSets: 1, latency: lat}]; res != nil {
		return res
	}
	return &result{}
}

// plan is the median plan time of a case; zero when it did not run.
func (r report) plan(k kind, n int, lat time.Duration) time.Duration {
	return median(r.result(k, n, lat).plan)
}

// grantsDelta is how much longer grantCount grants take than one grant
// with as many consumers, and whether both cases ran.
func (r report) grantsDelta() (time.Duration, bool) {
	g, one := r.plan(kindGrants, grantCount*10, grantLatency), r.plan(kindData, grantCount*10, grantLatency)
	return g - one, g > 0 && one > 0
}

func ratio(a, b time.Duration) string {
	if b == 0 || a == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a.Seconds()/b.Seconds())
}

// table is the results section: per latency the cases and the ratios, then
// the targets, the schema times and the Go benchmarks.
func (r report) table() string {
	var t strings.Builder
	for _, lat := range r.latencies {
		fmt.Fprintf(&t, "\n#### Token endpoint latency %s\n\n", lat)
		t.WriteString("| case | plan: median (min–max) | apply: median (min–max) | token requests per plan | per plan+apply | provider peak RSS |\n")
		t.WriteString("|---|---|---|---|---|---|\n")
		for _, c := range r.cases {
			if c.latency != lat {
				continue
			}
			res := r.results[c]
			perRun := "–"
			if c.kind == kindEphemeral {
				perRun = fmt.Sprintf("%g", medianInt(res.tokenRequests))
			}
			fmt.Fprintf(&t, "| %s | %s | %s | %g | %s | %.1f MiB |\n", c.name(), fmtDur(res.plan), fmtDur(res.apply), medianInt(res.planRequests), perRun, float64(res.peakRSSKiB)/1024)
		}
		t.WriteString("\nRatios of median plan times (100 consumers of one scope set):\n\n")
		fmt.Fprintf(&t, "- a/d (data ×100 / data ×1): **%s**\n", ratio(r.plan(kindData, 100, lat), r.plan(kindData, 1, lat)))
		fmt.Fprintf(&t, "- f/f1 (floor ×100 / floor ×1), the a/d that any provider reaches: **%s**\n", ratio(r.plan(kindFloor, 100, lat), r.plan(kindFloor, 1, lat)))
		fmt.Fprintf(&t, "- b/d (ephemeral ×100 / ephemeral ×1): **%s**\n", ratio(r.plan(kindEphemeral, 100, lat), r.plan(kindEphemeral, 1, lat)))
		if r.withHTTP {
			fmt.Fprintf(&t, "- a/c (data ×100 / http ×100): **%s**\n", ratio(r.plan(kindData, 100, lat), r.plan(kindHTTP, 100, lat)))
		}
		for _, n := range floorSizes {
			fmt.Fprintf(&t, "- data workiva_token × %d / floor × %d: **%s**\n", n, n, ratio(r.plan(kindData, n, lat), r.plan(kindFloor, n, lat)))
		}
		lo, hi := floorSizes[0], floorSizes[len(floorSizes)-1]
		slope := func(k kind) string {
			a, b := r.plan(k, lo, lat), r.plan(k, hi, lat)
			if a == 0 || b == 0 {
				return "–"
			}
			return fmt.Sprintf("%.1f ms", float64((b-a).Microseconds())/1000/float64(hi-lo))
		}
		fmt.Fprintf(&t, "- marginal plan time per extra data source (N = %d to %d): workiva_token **%s**, floor **%s**\n", lo, hi, slope(kindData), slope(kindFloor))
	}
	delta, _ := r.grantsDelta()
	fmt.Fprintf(&t, "\nGrants side by side (%s latency): %d grants × 10 consumers %s, 1 grant × %d consumers %s: **%+.2f s**\n",
		grantLatency, grantCount, fmtDur(r.result(kindGrants, grantCount*10, grantLatency).plan),
		grantCount*10, fmtDur(r.result(kindData, grantCount*10, grantLatency).plan), delta.Seconds())
	w, sec := r.result(kindWorkload, workloadConsumers, workloadLatency), r.result(kindData, workloadConsumers, workloadLatency)
	fmt.Fprintf(&t, "\nWorkload identity (GitHub Actions fake, %s on it and on the token endpoint): %d consumers %s (per plan: identity fetches %g, token requests %g); "+
		"with a client secret %s (token requests %g): **%+.2f s**\n",
		workloadLatency, workloadConsumers, fmtDur(w.plan), medianInt(w.planFetches), medianInt(w.planRequests),
		fmtDur(sec.plan), medianInt(sec.planRequests), (median(w.plan) - median(sec.plan)).Seconds())
	i1, i100 := r.result(kindIssuer, 1, workloadLatency), r.result(kindIssuer, workloadConsumers, workloadLatency)
	fmt.Fprintf(&t, "\nIssuer discovery (%s latency): 1 consumer %s (per plan: metadata requests %g, token requests %g), with token_url %s; "+
		"%d consumers %s (metadata requests %g, token requests %g), with token_url %s\n",
		workloadLatency, fmtDur(i1.plan), medianInt(i1.planMetadata), medianInt(i1.planRequests), fmtDur(r.result(kindData, 1, workloadLatency).plan),
		workloadConsumers, fmtDur(i100.plan), medianInt(i100.planMetadata), medianInt(i100.planRequests), fmtDur(r.result(kindData, workloadConsumers, workloadLatency).plan))
	t.WriteString(r.targets())
	fmt.Fprintf(&t, "\nGetProviderSchema, in-process (provider server construction and first call, %d types): median %s\n", r.schemaTypes, r.schemaTime.Round(time.Microsecond))
	if r.cliSchema > 0 {
		fmt.Fprintf(&t, "`terraform providers schema -json` (CLI, provider process start, schema): median %s\n", r.cliSchema.Round(time.Millisecond))
	}
	fmt.Fprintf(&t, "\nGo benchmarks (`go test -bench . -benchtime 1s ./internal/tokenclient ./internal/provider`):\n\n```\n%s\n```\n", r.goBench)
	return t.String()
}

// targets compares the run with the targets the project holds itself to.
func (r report) targets() string {
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
	for _, c := range r.cases {
		res := r.results[c]
		if c.kind == kindFloor {
			continue
		}
		if c.consumers <= 100 {
			peak = max(peak, res.peakRSSKiB)
		}
		switch c.kind {
		case kindHTTP:
		case kindGrants: // one scope set for each grant and the provider's own
			worst = max(worst, medianInt(res.planRequests)/float64(c.scopeSets*(grantCount+1)))
		default:
			worst = max(worst, medianInt(res.planRequests)/float64(c.scopeSets))
		}
	}
	fmt.Fprintf(&b, "| token requests ≤ 1 per grant and scope set per phase (plan) | %g | %s |\n", worst, verdict(worst <= 1))
	for _, lat := range r.latencies {
		if lat == 50*time.Millisecond {
			ad := r.plan(kindData, 100, lat).Seconds() / r.plan(kindData, 1, lat).Seconds()
			ff := r.plan(kindFloor, 100, lat).Seconds() / r.plan(kindFloor, 1, lat).Seconds()
			fmt.Fprintf(&b, "| plan, 100 consumers ≤ 1.4 × single consumer (a/d, 50 ms; the floor's f/f1: %.2f) | %.2f | %s |\n", ff, ad, verdict(ad <= 1.4))
			if r.withHTTP {
				ac := r.plan(kindData, 100, lat).Seconds() / r.plan(kindHTTP, 100, lat).Seconds()
				fmt.Fprintf(&b, "| plan, 100 consumers ≤ 0.45 × data \"http\" (a/c, 50 ms) | %.2f | %s |\n", ac, verdict(ac <= 0.45))
			}
		}
		if lat == 0 {
			n := floorSizes[len(floorSizes)-1]
			af := r.plan(kindData, n, lat).Seconds() / r.plan(kindFloor, n, lat).Seconds()
			fmt.Fprintf(&b, "| plan, %d data sources ≤ 1.05 × the floor (0 ms) | %.2f | %s |\n", n, af, verdict(af <= 1.05))
		}
	}
	delta, ran := r.grantsDelta()
	fmt.Fprintf(&b, "| plan, %d grants × 10 consumers ≤ 1 grant × %d + 0.9 s (%s) | %+.2f s | %s |\n", grantCount, grantCount*10, grantLatency,
		delta.Seconds(), verdict(ran && delta <= 900*time.Millisecond))
	w := r.result(kindWorkload, workloadConsumers, workloadLatency)
	fetches := medianInt(w.planFetches)
	fmt.Fprintf(&b, "| workload_identity, %d consumers of one scope set: 1 identity fetch and 1 token request per phase (plan) | identity fetches %g, token requests %g | %s |\n",
		workloadConsumers, fetches, medianInt(w.planRequests), verdict(fetches == 1 && medianInt(w.planRequests) == 1))
	im := []float64{medianInt(r.result(kindIssuer, 1, workloadLatency).planMetadata), medianInt(r.result(kindIssuer, workloadConsumers, workloadLatency).planMetadata)}
	fmt.Fprintf(&b, "| issuer, 1 and %d consumers: 1 metadata request per phase (plan), not per consumer | %g and %g | %s |\n",
		workloadConsumers, im[0], im[1], verdict(im[0] == 1 && im[1] == 1))
	fmt.Fprintf(&b, "| provider peak RSS ≤ 40 MiB (up to 100 consumers) | %.1f MiB | %s |\n", float64(peak)/1024, verdict(peak <= 40*1024))
	return b.String()
}

// markdown is BENCHMARKS.md: report.md.tmpl with the run's facts and table.
func (r report) markdown(table string) (string, error) {
	tmpl, err := template.New("report").Parse(reportTemplate)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	err = tmpl.Execute(&out, map[string]any{
		"Date":      time.Now().UTC().Format("2006-01-02 15:04 MST"),
		"Machine":   fmt.Sprintf("%s, %d CPUs (%s), %s/%s, %s", cpuModel(), runtime.NumCPU(), memTotal(), runtime.GOOS, runtime.GOARCH, runtime.Version()),
		"Terraform": terraformVersion(),
		"Runs":      r.runs,
		"Elapsed":   r.elapsed.Round(time.Second),
		"Results":   table,
		"WithHTTP":  r.withHTTP,
		"Proxy":     r.proxy,
	})
	return out.String(), err
}

// procValue is the value of the first "key: value" line of a /proc file.
func procValue(file, key string) (string, bool) {
	b, err := os.ReadFile(file) //nolint:gosec // fixed /proc paths
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

func cpuModel() string {
	if v, ok := procValue("/proc/cpuinfo", "model name"); ok {
		return v
	}
	return "unknown CPU"
}

func memTotal() string {
	v, ok := procValue("/proc/meminfo", "MemTotal")
	kb, err := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
	if !ok || err != nil {
		return "unknown memory"
	}
	return fmt.Sprintf("%.0f GiB", float64(kb)/1024/1024)
}

func terraformVersion() string {
	out, err := exec.CommandContext(context.Background(), "terraform", "version").Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return line
}
