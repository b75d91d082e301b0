package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// Provider source addresses; floorSource is the floor provider, which is
// also called workiva so that its data source is workiva_token too.
const (
	workivaSource = "registry.terraform.io/clientcreds/workiva"
	floorSource   = "registry.terraform.io/bench/workiva"
	httpSource    = "registry.terraform.io/hashicorp/http"
)

var benchScopes = []string{"file:read", "graph:read", "task:read", "activity:read"}

type kind string

const (
	kindData      kind = "data workiva_token"
	kindEphemeral kind = "ephemeral workiva_token"
	kindHTTP      kind = "data http"
	kindFloor     kind = "floor data workiva_token"
	kindGrants    kind = "data workiva_token over 6 grants"
	kindWorkload  kind = "data workiva_token with workload_identity"
	kindIssuer    kind = "data workiva_token with issuer"
)

// grantCount and grantLatency are the grants case: grantCount grants with
// their consumers spread evenly, against one grant with as many consumers,
// at an endpoint latency where fetching one grant after another would show.
const (
	grantCount   = 6
	grantLatency = 300 * time.Millisecond
)

// The workload-identity case: consumers of one scope set whose provider
// authenticates with a GitHub Actions token from the local server's fake
// (a federated client: no secret), at a latency on both the identity and
// the token endpoint, against the same configuration with a client secret.
const (
	workloadConsumers = 100
	workloadLatency   = 50 * time.Millisecond
	workloadClientID  = "bench-pipeline"
	workloadSubject   = "repo:bench/infra:ref:refs/heads/main"
	workloadAudience  = "api://workiva-bench"
	// ciRequestToken is ACTIONS_ID_TOKEN_REQUEST_TOKEN for the fake.
	ciRequestToken = "bench-ci-request-token" //nolint:gosec // a credential of the local benchmark server
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

// floorSizes are the N at which data workiva_token is compared with the floor.
var floorSizes = []int{100, 1000}

// allCases lists the cases of a run, for every latency: each kind at N = 1,
// 10 and 100 consumers of one scope set and 100 over 4 scope sets, the floor
// at N = 1, and the data source and the floor at floorSizes; then the grants
// cases and the workload-identity cases (the client-secret one unless a
// latency of the run has it already).
func allCases(lats []time.Duration, withHTTP bool) []benchCase {
	var cases []benchCase
	for _, lat := range lats {
		kinds := []kind{kindData, kindEphemeral}
		if withHTTP {
			kinds = append(kinds, kindHTTP)
		}
		for _, k := range kinds {
			for _, n := range []int{1, 10, 100} {
				cases = append(cases, benchCase{kind: k, consumers: n, scopeSets: 1, latency: lat})
			}
			cases = append(cases, benchCase{kind: k, consumers: 100, scopeSets: 4, latency: lat})
		}
		cases = append(cases, benchCase{kind: kindFloor, consumers: 1, scopeSets: 1, latency: lat})
		for _, n := range floorSizes {
			if n != 100 {
				cases = append(cases, benchCase{kind: kindData, consumers: n, scopeSets: 1, latency: lat})
			}
			cases = append(cases, benchCase{kind: kindFloor, consumers: n, scopeSets: 1, latency: lat})
		}
	}
	cases = append(cases, grantsCases()...)
	return appendNew(appendNew(cases, workloadCases()...), issuerCases()...)
}

// issuerCases are 1 and workloadConsumers consumers of a provider that
// names its server by issuer (discovery), at workloadLatency, beside the
// same numbers with token_url: discovery costs one metadata request per
// phase, not one per consumer.
func issuerCases() []benchCase {
	var out []benchCase
	for _, n := range []int{1, workloadConsumers} {
		out = append(out, benchCase{kind: kindIssuer, consumers: n, scopeSets: 1, latency: workloadLatency},
			benchCase{kind: kindData, consumers: n, scopeSets: 1, latency: workloadLatency})
	}
	return out
}

// workloadCases are workloadConsumers consumers with workload_identity and
// as many with a client secret, at workloadLatency.
func workloadCases() []benchCase {
	return []benchCase{
		{kind: kindWorkload, consumers: workloadConsumers, scopeSets: 1, latency: workloadLatency},
		{kind: kindData, consumers: workloadConsumers, scopeSets: 1, latency: workloadLatency},
	}
}

// appendNew appends the cases that cases lacks.
func appendNew(cases []benchCase, more ...benchCase) []benchCase {
	for _, c := range more {
		if !slices.Contains(cases, c) {
			cases = append(cases, c)
		}
	}
	return cases
}

// grantsCases are grantCount grants × 10 consumers and 1 grant × as many.
func grantsCases() []benchCase {
	n := grantCount * 10
	return []benchCase{
		{kind: kindGrants, consumers: n, scopeSets: 1, latency: grantLatency},
		{kind: kindData, consumers: n, scopeSets: 1, latency: grantLatency},
	}
}

// benchClients are the local server's clients: the provider-level one, one
// per grant of the grants case, and the workload case's federated client,
// which trusts ci's tokens for workloadSubject.
func benchClients(ci *iamserver.CIIssuer) []iamserver.Client {
	out := []iamserver.Client{{ID: clientID, Secret: secret, Scopes: benchScopes}}
	for i := range grantCount {
		out = append(out, iamserver.Client{ID: fmt.Sprintf("%s-%d", clientID, i), Secret: secret, Scopes: benchScopes})
	}
	return append(out, iamserver.Client{ID: workloadClientID, Scopes: benchScopes,
		Federated: []iamserver.FederatedCredential{{Issuer: ci, Subject: workloadSubject, Audience: workloadAudience}}})
}

// env is what a case's runs add to the environment: the client secret, or
// for the workload case the variables GitHub Actions sets in a job with
// permissions id-token: write.
func (c benchCase) env(srv *iamserver.Server) []string {
	if c.kind == kindWorkload {
		return []string{"WORKIVA_CLIENT_ID=" + workloadClientID,
			"ACTIONS_ID_TOKEN_REQUEST_URL=" + srv.CIURL(workload.GitHubActions), "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + ciRequestToken}
	}
	return []string{"WORKIVA_CLIENT_ID=" + clientID, "WORKIVA_CLIENT_SECRET=" + secret}
}

// parseLatencies reads the -latency flag: comma-separated durations.
func parseLatencies(list string) ([]time.Duration, error) {
	var lats []time.Duration
	for _, s := range strings.Split(list, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		lats = append(lats, d)
	}
	return lats, nil
}

// config is the Terraform configuration of a case.
func (c benchCase) config(srv *iamserver.Server) string {
	var b strings.Builder
	source := workivaSource
	if c.kind == kindFloor {
		source = floorSource
	}
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    workiva = {\n      source = %q\n    }\n", source)
	if c.kind == kindHTTP {
		fmt.Fprintf(&b, "    http = {\n      source = %q\n    }\n", httpSource)
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
	dataSources := fmt.Sprintf("data \"workiva_token\" \"t\" {\n  count  = %d\n  scopes = local.scope_sets[count.index %% %d]\n}\n", c.consumers, c.scopeSets)
	switch c.kind {
	case kindData:
		b.WriteString(provider + dataSources)
	case kindIssuer:
		fmt.Fprintf(&b, "provider \"workiva\" {\n  scopes = [%q]\n  issuer = %q\n}\n\n%s", benchScopes[0], srv.Issuer(), dataSources)
	case kindWorkload:
		fmt.Fprintf(&b, "provider \"workiva\" {\n  scopes            = [%q]\n  workload_identity = { source = \"github_actions\", audience = %q }\n}\n\n%s",
			benchScopes[0], workloadAudience, dataSources)
	case kindGrants:
		var grants []string
		for i := range grantCount {
			grants = append(grants, fmt.Sprintf("    g%d = { client_id = \"%s-%d\", client_secret = %q }", i, clientID, i, secret))
		}
		fmt.Fprintf(&b, "provider \"workiva\" {\n  scopes = [%q]\n  grants = {\n%s\n  }\n}\n\n", benchScopes[0], strings.Join(grants, "\n"))
		fmt.Fprintf(&b, "data \"workiva_token\" \"t\" {\n  count  = %d\n  grant  = \"g${count.index %% %d}\"\n  scopes = local.scope_sets[0]\n}\n", c.consumers, grantCount)
	case kindFloor:
		b.WriteString(dataSources)
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

// writeCLIConfig writes a Terraform CLI configuration whose dev_overrides
// point at the built providers.
func writeCLIConfig(work string, b binaries) (string, error) {
	var rc strings.Builder
	rc.WriteString("provider_installation {\n  dev_overrides {\n")
	fmt.Fprintf(&rc, "    %q = %q\n", workivaSource, filepath.Dir(b.workiva))
	fmt.Fprintf(&rc, "    %q = %q\n", floorSource, filepath.Dir(b.floor))
	if b.http != "" {
		fmt.Fprintf(&rc, "    %q = %q\n", httpSource, filepath.Dir(b.http))
	}
	rc.WriteString("  }\n  direct {}\n}\n")
	path := filepath.Join(work, "terraformrc")
	return path, os.WriteFile(path, []byte(rc.String()), 0o600)
}
