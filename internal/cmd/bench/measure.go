package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

type result struct {
	plan, apply   []time.Duration
	tokenRequests []int // per plan+apply run (plan only for data cases)
	planRequests  []int
	planFetches   []int // identity-token fetches from the CI fakes per plan
	planMetadata  []int // issuer metadata requests per plan
	peakRSSKiB    int64
	lastError     string
}

// measure runs one plan (and for the ephemeral kind one apply from an
// empty state) and records times, token requests and peak RSS.
func measure(tf string, env []string, dir string, c benchCase, srv *iamserver.Server, res *result, providerPath string) {
	_ = os.Remove(filepath.Join(dir, "terraform.tfstate"))
	before, fetchesBefore, metadataBefore := len(srv.TokenRequests()), len(srv.CIRequests()), len(srv.MetadataRequests())
	stop := watchRSS(providerPath)
	d, err := timeCmd(tf, env, "-chdir="+dir, "plan", "-input=false", "-no-color", "-lock=false", "-refresh=true")
	if err != nil {
		res.lastError = err.Error()
		stop()
		return
	}
	res.plan = append(res.plan, d)
	res.planRequests = append(res.planRequests, len(srv.TokenRequests())-before)
	res.planFetches = append(res.planFetches, len(srv.CIRequests())-fetchesBefore)
	res.planMetadata = append(res.planMetadata, len(srv.MetadataRequests())-metadataBefore)
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
