package provider_test

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// workloadFixture is a local IAM server with CI fakes, and clients that
// trust the fake CI issuer's tokens for subject "job".
type workloadFixture struct {
	srv    *iamserver.Server
	issuer *iamserver.CIIssuer
}

const ciRequestToken = "ci-request-token-5b1f9e" //nolint:gosec // a token of the CI fakes

func newWorkloadFixture(t *testing.T) workloadFixture {
	t.Helper()
	issuer, err := iamserver.NewCIIssuer("https://ci.example")
	if err != nil {
		t.Fatal(err)
	}
	federated := func(id, audience string) iamserver.Client {
		return iamserver.Client{ID: id, Scopes: []string{"file:read", "graph:read"},
			Federated: []iamserver.FederatedCredential{{Issuer: issuer, Subject: "job", Audience: audience}}}
	}
	srv := iam(t, iamserver.Options{CI: &iamserver.CIFakes{Issuer: issuer, Subject: "job", RequestToken: ciRequestToken},
		TrustedIssuers: []iamserver.TrustRelationship{{Issuer: issuer, Subject: "job", ClientID: "pipeline", Scopes: []string{"file:read", "graph:read"}}},
		Clients:        []iamserver.Client{federated("pipeline", "api://workiva"), federated("azure-pipeline", workload.AzureDevOpsAudience)}})
	return workloadFixture{srv: srv, issuer: issuer}
}

// ciEnv is the environment that points the source of kind at its fake
// (iamserver.Server.CIEnv), as KEY=value entries.
func (f workloadFixture) ciEnv(kind workload.Kind) []string {
	var env []string
	for k, v := range f.srv.CIEnv(kind) {
		env = append(env, k+"="+v)
	}
	return env
}

func (f workloadFixture) sign(t *testing.T, audience string, exp time.Time) string {
	t.Helper()
	tok, err := f.issuer.Sign("job", audience, time.Now(), exp)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (f workloadFixture) config(clientID, identity string) string {
	return fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n  workload_identity = %s\n}\n"+
		"data \"workiva_token\" \"a\" {\n  scopes = [\"file:read\"]\n}\ndata \"workiva_token\" \"b\" {\n  scopes = [\"file:read\"]\n  depends_on = [data.workiva_token.a]\n}\n",
		clientID, f.srv.TokenURL(), identity)
}

// Every source through the CLI, with no secret anywhere: the token
// endpoint receives the CI system's token as the client assertion, one
// identity fetch per token request, and no output or TRACE log shows the
// identity token or the CI system's request token.
func TestCLIWorkloadIdentitySources(t *testing.T) {
	f := newWorkloadFixture(t)
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(f.sign(t, "api://workiva", time.Now().Add(time.Hour))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	value := f.sign(t, "api://workiva", time.Now().Add(time.Hour))
	// Every source of the registry has a case: a new one cannot be left out.
	covered, sourceOf := map[string]bool{}, regexp.MustCompile(`source = "(\w+)"`)
	defer func() {
		for _, kind := range workload.Kinds {
			if !covered[kind] {
				t.Errorf("workload-identity source %q has no case here", kind)
			}
		}
	}()
	// A buildkite-agent that prints the token for the audience it is asked.
	agent := t.TempDir()
	script := "#!/bin/sh\n[ \"$1 $2 $3 $4\" = \"oidc request-token --audience api://workiva\" ] || exit 2\nprintf '%s\\n' '" + value + "'\n"
	if err := os.WriteFile(filepath.Join(agent, "buildkite-agent"), []byte(script), 0o700); err != nil { //nolint:gosec // a test's fake command
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, client, identity string
		env                    []string
		fromCI                 bool
	}{
		{"gitlab", "pipeline", `{ source = "gitlab" }`, []string{"GITLAB_OIDC_TOKEN=" + value}, false},
		{"circleci", "pipeline", `{ source = "circleci" }`, []string{"CIRCLE_OIDC_TOKEN_V2=" + value}, false},
		{"bitbucket", "pipeline", `{ source = "bitbucket" }`, []string{"BITBUCKET_STEP_OIDC_TOKEN=" + value}, false},
		{"spacelift", "pipeline", `{ source = "spacelift" }`, []string{"SPACELIFT_OIDC_TOKEN=" + value}, false},
		{"env0", "pipeline", `{ source = "env0" }`, []string{"ENV0_OIDC_TOKEN=" + value}, false},
		{"kubernetes", "pipeline", `{ source = "kubernetes", audience = "api://workiva" }`, []string{"AWS_WEB_IDENTITY_TOKEN_FILE=" + file}, false},
		{"codefresh", "pipeline", `{ source = "codefresh", audience = "api://workiva" }`,
			f.ciEnv(workload.Codefresh), true},
		{"buildkite", "pipeline", `{ source = "buildkite", audience = "api://workiva" }`,
			[]string{"PATH=" + agent + string(os.PathListSeparator) + os.Getenv("PATH")}, false},
		{"auto (GitLab)", "pipeline", `{ source = "auto", audience = "api://workiva" }`, []string{"GITLAB_CI=true", "GITLAB_OIDC_TOKEN=" + value}, false},
		{"auto (GitHub Actions)", "pipeline", `{ source = "auto", audience = "api://workiva" }`,
			append(f.ciEnv(workload.GitHubActions), "GITHUB_ACTIONS=true"), true},
		{"github_actions", "pipeline", `{ source = "github_actions", audience = "api://workiva" }`,
			f.ciEnv(workload.GitHubActions), true},
		{"azure_devops", "azure-pipeline", `{ source = "azure_devops", service_connection_id = "sc-workiva" }`,
			f.ciEnv(workload.AzureDevOps), true},
		{"gcp_metadata", "pipeline", `{ source = "gcp_metadata", audience = "api://workiva" }`,
			f.ciEnv(workload.GCPMetadata), true},
		{"hcp_terraform", "pipeline", `{ source = "hcp_terraform", tag = "WORKIVA", audience = "api://workiva" }`,
			[]string{"TFC_WORKLOAD_IDENTITY_TOKEN_WORKIVA=" + value}, false},
		{"env", "pipeline", `{ source = "env", env_var = "GITLAB_ID_TOKEN" }`, []string{"GITLAB_ID_TOKEN=" + value}, false},
		{"file", "pipeline", fmt.Sprintf(`{ source = "file", file = %q }`, file), nil, false},
		{"value", "pipeline", fmt.Sprintf(`{ source = "value", token = %q }`, value), nil, false},
	} {
		covered[sourceOf.FindStringSubmatch(tc.identity)[1]] = true
		t.Run(tc.name, func(t *testing.T) {
			f.srv.Reset()
			c := newCLIDir(t, f.config(tc.client, tc.identity))
			logFile := filepath.Join(c.dir, "trace.log")
			out := c.mustRun(append(tc.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile), "plan", "-input=false", "-no-color")
			reqs := f.srv.TokenRequests()
			if len(reqs) == 0 {
				t.Fatal("no token request")
			}
			for _, r := range reqs {
				if r.Status != 200 || r.AuthMethod != iamserver.MethodJWT || r.Form.Get("client_id") != tc.client || r.Form.Has("client_secret") {
					t.Errorf("token request %+v", r)
				}
			}
			if ci := len(f.srv.CIRequests()); tc.fromCI && ci != len(reqs) {
				t.Errorf("%d identity fetches for %d token requests, want one each", ci, len(reqs))
			}
			forbidden := []string{ciRequestToken, value}
			forbidden = append(forbidden, f.srv.CIIssued()...)
			for where, text := range map[string]string{"output": out, "TRACE log": c.read("trace.log")} {
				for _, s := range forbidden {
					if strings.Contains(text, s) {
						t.Errorf("the %s shows a credential", where)
					}
				}
			}
		})
	}
}

// The identity fetch sits inside the token cache's coalescing: 100
// consumers of one scope set, read by Terraform 10 at a time while the
// GitHub fake and the token endpoint each take 50 ms, cost one identity
// fetch and one token request in the plan; a second scope set costs one
// more of each.
func TestCLIWorkloadIdentityCoalesces(t *testing.T) {
	f := newWorkloadFixture(t)
	f.srv.SetLatency(50 * time.Millisecond)
	github := []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + f.srv.CIURL(workload.GitHubActions), "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + ciRequestToken}
	for _, tc := range []struct {
		scopeSets string
		want      int
	}{
		{`[["file:read"]]`, 1},
		{`[["file:read"], ["graph:read"]]`, 2},
	} {
		f.srv.Reset()
		c := newCLIDir(t, fmt.Sprintf(`provider "workiva" {
  client_id = "pipeline"
  token_url = %q
  scopes    = ["file:read"]
  workload_identity = { source = "github_actions", audience = "api://workiva" }
}
locals {
  scope_sets = %s
}
data "workiva_token" "t" {
  count  = 100
  scopes = local.scope_sets[count.index %% length(local.scope_sets)]
}
`, f.srv.TokenURL(), tc.scopeSets))
		c.mustRun(github, "plan", "-input=false", "-no-color")
		if fetches, reqs := len(f.srv.CIRequests()), len(f.srv.TokenRequests()); fetches != tc.want || reqs != tc.want {
			t.Errorf("%s: %d identity fetches and %d token requests for 100 consumers, want %d of each", tc.scopeSets, fetches, reqs, tc.want)
		}
	}
}

// What a CI system lacks, and tokens that must not be sent, are errors that
// say what the CI system needs; the token endpoint receives nothing.
func TestCLIWorkloadIdentityErrors(t *testing.T) {
	f := newWorkloadFixture(t)
	expired := f.sign(t, "api://workiva", time.Now().Add(-time.Minute))
	other := f.sign(t, "api://elsewhere", time.Now().Add(time.Hour))
	// An EKS pod: the IRSA webhook's token, for AWS STS.
	eks := filepath.Join(t.TempDir(), "eks-token")
	if err := os.WriteFile(eks, []byte(f.sign(t, "sts.amazonaws.com", time.Now().Add(time.Hour))), 0o600); err != nil {
		t.Fatal(err)
	}
	eksPod := []string{"KUBERNETES_SERVICE_HOST=10.100.0.1", "AWS_WEB_IDENTITY_TOKEN_FILE=" + eks, "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/atlantis"}
	eksFound := `found the token in the file ` + eks + ` (named by AWS_WEB_IDENTITY_TOKEN_FILE), for the audience "sts.amazonaws.com"`
	for _, tc := range []struct {
		name, identity string
		env            []string
		want           []string
	}{
		{"github without id-token permission", `{ source = "github_actions", audience = "api://workiva" }`, nil,
			[]string{"Authentication failed: no workload-identity token", "needs ACTIONS_ID_TOKEN_REQUEST_URL, which is not set", "permissions: id-token: write"}},
		{"azure devops without the access token", `{ source = "azure_devops", service_connection_id = "sc" }`,
			[]string{"SYSTEM_OIDCREQUESTURI=" + f.srv.CIURL(workload.AzureDevOps)},
			[]string{"needs SYSTEM_ACCESSTOKEN", "SYSTEM_ACCESSTOKEN: $(System.AccessToken)"}},
		{"hcp terraform without the tagged token", `{ source = "hcp_terraform", tag = "WORKIVA" }`, nil,
			[]string{"needs TFC_WORKLOAD_IDENTITY_TOKEN_WORKIVA", "TFC_WORKLOAD_IDENTITY_AUDIENCE_WORKIVA"}},
		{"expired", fmt.Sprintf(`{ source = "value", token = %q }`, expired), nil,
			[]string{"The token from workload_identity.token expired at", "CI tokens live minutes"}},
		{"another audience", `{ source = "env", env_var = "CI_TOKEN", audience = "api://workiva" }`, []string{"CI_TOKEN=" + other},
			[]string{`The token from the environment variable CI_TOKEN is for the audience "api://elsewhere", not workload_identity.audience`}},
		{"expired, from a named variable", `{ source = "env", env_var = "CI_TOKEN" }`, []string{"CI_TOKEN=" + expired},
			[]string{"The token from the environment variable CI_TOKEN expired at"}},
		{"a missing file", `{ source = "file", file = "/nonexistent/oidc-token" }`, nil,
			[]string{"Reading the workload-identity token from the file workload_identity.file names failed: no such file or directory",
				"workload_identity.file names a file this process can read"}},
		{"github over plain http to another host", `{ source = "github_actions", audience = "api://workiva" }`,
			[]string{"ACTIONS_ID_TOKEN_REQUEST_URL=http://token.actions.example.test/oidc?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=request-token-9c2e"},
			[]string{"ACTIONS_ID_TOKEN_REQUEST_URL names http://token.actions.example.test/oidc?api-version=***&audience=***, plain http to a host that is not loopback",
				"was not sent", "carry the CI system's request token", "https, or http only to"}},
		{"a metadata host that is no host", `{ source = "gcp_metadata", audience = "api://workiva" }`,
			[]string{"GCE_METADATA_HOST=attacker.example.test/steal?x="},
			[]string{"reads GCE_METADATA_HOST, which is not a host name or IP address with an optional :port", "Unset GCE_METADATA_HOST"}},
		{"not a JWT", `{ source = "env", env_var = "CI_TOKEN" }`, []string{"CI_TOKEN=opaque-ci-token"},
			[]string{"is not a JWT"}},
		{"auto in no CI system", `{ source = "auto" }`, nil,
			[]string{`workload_identity.source = "auto" recognised no CI system in the environment; it looked for GITHUB_ACTIONS=true (GitHub Actions)`,
				"GITLAB_CI=true (GitLab CI)", "BUILDKITE=true (Buildkite)", "name the source in workload_identity.source"}},
		{"bitbucket without oidc: true", `{ source = "bitbucket" }`, []string{"BITBUCKET_BUILD_NUMBER=12"},
			[]string{"needs BITBUCKET_STEP_OIDC_TOKEN, which is not set", "the step sets `oidc: true`"}},
		{"buildkite without the agent", `{ source = "buildkite" }`, []string{"PATH=" + t.TempDir()},
			[]string{"runs buildkite-agent, which is not on PATH"}},
		{"auto on an EKS pod", `{ source = "auto" }`, eksPod,
			[]string{`workload_identity.source = "auto" recognised Kubernetes and ` + eksFound, "so nothing was sent", "Set workload_identity.audience"}},
		{"kubernetes on an EKS pod", `{ source = "kubernetes" }`, eksPod,
			[]string{`The workload identity (source "kubernetes") ` + eksFound, "so nothing was sent"}},
		{"kubernetes on an EKS pod, another audience", `{ source = "kubernetes", audience = "api://workiva" }`, eksPod,
			[]string{`is for the audience "sts.amazonaws.com", not workload_identity.audience`}},
		{"gcp without audience", `{ source = "gcp_metadata" }`, nil,
			[]string{"Missing workload_identity.audience", `workload_identity.source = "gcp_metadata" needs audience`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.srv.Reset()
			out, err := flatRun(newCLIDir(t, f.config("pipeline", tc.identity)), tc.env, "plan", "-input=false")
			if err == nil {
				t.Fatalf("plan succeeded: %s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if n := len(f.srv.TokenRequests()); n != 0 {
				t.Errorf("the token endpoint received %d requests", n)
			}
		})
	}
}

// The federated grants through the CLI: jwt_bearer and token_exchange
// present the CI token as the grant, with no client credential (client_id
// is optional) or with one; a token exchange reports issued_token_type,
// and its N_A token type raises no warning.
func TestCLIFederatedGrants(t *testing.T) {
	f := newWorkloadFixture(t)
	github := []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + f.srv.CIURL(workload.GitHubActions), "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + ciRequestToken}
	for _, tc := range []struct {
		name, block, grant, issued, tokenType string
		basic                                 bool
	}{
		{"jwt_bearer", "grant_type = \"jwt_bearer\"", iamserver.JWTBearerGrant, "", "Bearer", false},
		{"jwt_bearer with a client secret", fmt.Sprintf("grant_type = \"jwt_bearer\"\n  client_id = %q\n  client_secret = %q", testClientID, testSecret),
			iamserver.JWTBearerGrant, "", "Bearer", true},
		{"token_exchange", "grant_type = \"token_exchange\"", iamserver.TokenExchangeGrant, iamserver.TokenTypeAccess, "Bearer", false},
		{"token_exchange for a JWT", "grant_type = \"token_exchange\"\n  requested_token_type = \"urn:ietf:params:oauth:token-type:jwt\"",
			iamserver.TokenExchangeGrant, iamserver.TokenTypeJWT, "N_A", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.srv.Reset()
			c := newCLIDir(t, fmt.Sprintf(`provider "workiva" {
  token_url = %q
  %s
  audience  = "https://api.example"
  workload_identity = { source = "github_actions", audience = %q }
}
data "workiva_token" "t" {
  scopes = ["file:read"]
}
output "issued_token_type" {
  value = data.workiva_token.t.issued_token_type == null ? "null" : data.workiva_token.t.issued_token_type
}
output "token_type" {
  value = data.workiva_token.t.token_type
}
output "client_id" {
  value = data.workiva_token.t.client_id
}
`, f.srv.TokenURL(), tc.block, f.srv.TokenURL()))
			out := c.mustRun(github, "apply", "-auto-approve", "-input=false", "-no-color")
			if strings.Contains(out, "Token type is not Bearer") {
				t.Errorf("N_A warned:\n%s", out)
			}
			for name, want := range map[string]string{"issued_token_type": cmp.Or(tc.issued, "null"), "token_type": tc.tokenType} {
				if got := strings.TrimSpace(c.mustRun(nil, "output", "-raw", name)); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			reqs := f.srv.TokenRequests()
			if len(reqs) == 0 {
				t.Fatal("no token request")
			}
			issued := f.srv.CIIssued()
			for _, r := range reqs {
				presented := r.Form.Get("assertion") + r.Form.Get("subject_token")
				if r.Status != 200 || r.Form.Get("grant_type") != tc.grant || !slices.Contains(issued, presented) ||
					r.Form.Get("audience") != "https://api.example" || (r.Header.Get("Authorization") != "") != tc.basic || r.Form.Has("client_secret") {
					t.Errorf("token request %d %v (Authorization %q)", r.Status, r.Form, r.Header.Get("Authorization"))
				}
			}
		})
	}
	t.Run("without workload_identity", func(t *testing.T) {
		out, err := flatRun(newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n  grant_type = \"jwt_bearer\"\n}\ndata \"workiva_token\" \"t\" {}\n", f.srv.TokenURL())), nil, "plan", "-input=false")
		if err == nil || !strings.Contains(out, "Missing workload_identity") || !strings.Contains(out, `grant_type = "jwt_bearer" presents a workload-identity token`) ||
			!strings.Contains(out, "(auto, github_actions, azure_devops, gitlab, circleci, bitbucket, buildkite, codefresh, spacelift, env0, "+
				"hcp_terraform, kubernetes, gcp_metadata, env, file or value)") {
			t.Errorf("plan:\n%s", out)
		}
	})
	t.Run("an untrusted subject", func(t *testing.T) {
		f.srv.Reset()
		other, err := f.issuer.Sign("someone-else", f.srv.TokenURL(), time.Now(), time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out, err := flatRun(newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n  grant_type = \"token_exchange\"\n  workload_identity = { source = \"value\", token = %q }\n}\ndata \"workiva_token\" \"t\" {}\n", f.srv.TokenURL(), other)), nil, "plan", "-input=false")
		if err == nil || !strings.Contains(out, "HTTP 400 invalid_grant") || !strings.Contains(out, "trusts the token's issuer and subject") || strings.Contains(out, other) {
			t.Errorf("plan:\n%s", out)
		}
	})
}

// A jwt_bearer grant whose subject token is fixed for the job (source env),
// at a server that accepts each JWT once (Ory Hydra's jti_known): configure
// checks the token where it stands instead of spending it, so terraform
// apply (which configures twice) presents it once, for the data source's
// scope set; an ephemeral token, opened in plan and again in apply,
// presents it twice, and the refusal says why and which sources avoid it.
func TestCLIFixedSubjectIsNotSpentOnACheck(t *testing.T) {
	issuer, err := iamserver.NewCIIssuer("https://gitlab.example")
	if err != nil {
		t.Fatal(err)
	}
	srv := iam(t, iamserver.Options{TrustedIssuers: []iamserver.TrustRelationship{
		{Issuer: issuer, Subject: "project_path:acme/infra", ClientID: "pipeline", Scopes: []string{"file:read"}, SingleUse: true}}})
	sign := func() string {
		tok, err := issuer.Sign("project_path:acme/infra", srv.TokenURL(), time.Now(), time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	provider := fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n  grant_type = \"jwt_bearer\"\n  max_retries = 0\n  workload_identity = { source = \"env\", env_var = \"CI_JOB_JWT\" }\n}\n", srv.TokenURL())

	c := newCLIDir(t, provider+"data \"workiva_token\" \"t\" {\n  scopes = [\"file:read\"]\n}\n")
	if out, err := flatRun(c, []string{"CI_JOB_JWT=" + sign()}, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %s", out)
	}
	if n := len(srv.TokenRequests()); n != 1 {
		t.Errorf("%d token requests for one data source over plan and apply, want 1", n)
	}

	c = newCLIDir(t, provider+"ephemeral \"workiva_token\" \"t\" {\n  scopes = [\"file:read\"]\n}\n"+
		"resource \"terraform_data\" \"use\" {\n  provisioner \"local-exec\" {\n    command = \"true\"\n"+
		"    environment = { T = ephemeral.workiva_token.t.access_token }\n  }\n}\n")
	out, err := flatRun(c, []string{"CI_JOB_JWT=" + sign()}, "apply", "-auto-approve", "-input=false")
	if err == nil || !strings.Contains(out, "HTTP 400 invalid_grant") || !strings.Contains(out, `Source "env" presents the same token until the job rewrites it`) ||
		!strings.Contains(out, "github_actions, azure_devops, buildkite, codefresh or gcp_metadata") {
		t.Errorf("apply with an ephemeral token:\n%s", out)
	}
}
