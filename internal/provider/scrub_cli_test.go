package provider_test

import (
	"archive/zip"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

// unzipped is every file of a saved plan (a zip archive), decompressed and
// joined, so that a search sees what each file holds.
func unzipped(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s ==\n%s\n", f.Name, data)
	}
	return b.String()
}

// A token endpoint whose error page echoes the request (the Basic header,
// the form body) cannot make `terraform plan` show the secret in any form,
// in its output or in a TRACE log.
func TestCLIEchoingServerShowsNoSecret(t *testing.T) {
	const id, secret = "echo client", `s3cr:t/+&="%\ é-echo`
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: id, Secret: secret, Scopes: []string{"file:read"}}}})
	for _, style := range []string{"header", "body"} {
		for _, echo := range []iamserver.Echo{iamserver.EchoHTML, iamserver.EchoOAuth} {
			t.Run(style+"/"+string(echo), func(t *testing.T) {
				srv.Script(iamserver.Fault{Status: 400, Echo: echo})
				c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n  auth_style = %q\n}\ndata \"workiva_token\" \"t\" {}\n", id, srv.TokenURL(), style))
				c.env = append(c.env, "WORKIVA_CLIENT_SECRET="+secret)
				logFile := filepath.Join(c.dir, "trace.log")
				out, err := c.run([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
				if err == nil || !strings.Contains(out, "Authentication failed: HTTP 400") {
					t.Fatalf("plan against an echoing server:\n%s", out)
				}
				if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "not shown: it echoes a credential") {
					t.Errorf("the echo did not reach the output (nothing withheld):\n%s", out)
				}
				for where, text := range map[string]string{"output": out, "TRACE log": c.read("trace.log")} {
					for _, f := range provider.WireForms(id, secret) {
						if strings.Contains(text, f) {
							t.Errorf("the %s shows the secret as %q", where, f)
						}
					}
				}
			})
		}
	}
}

// A client_secret given through an input variable declared ephemeral stays
// out of the saved plan, whether it comes from -var or TF_VAR_; the same
// variable without ephemeral = true is written into it (which is why the
// docs teach the ephemeral form).
func TestCLIEphemeralVariableKeepsSecretOutOfPlan(t *testing.T) {
	const secret = "ephemeral-var-secret-51c0"
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: "var-client", Secret: secret, Scopes: []string{"file:read"}}}})
	config := func(ephemeral bool) string {
		return fmt.Sprintf(`
variable "client_secret" {
  type      = string
  sensitive = true
  ephemeral = %t
}
provider "workiva" {
  client_id     = "var-client"
  client_secret = var.client_secret
  token_url     = %q
}
ephemeral "workiva_token" "api" {}
resource "terraform_data" "use" {
  provisioner "local-exec" {
    command     = "test -n \"$TOKEN\""
    environment = { TOKEN = ephemeral.workiva_token.api.access_token }
  }
}
`, ephemeral, srv.TokenURL())
	}
	cases := []struct {
		name      string
		ephemeral bool
		args      []string
		env       []string
		inPlan    bool
	}{
		{name: "ephemeral, -var", ephemeral: true, args: []string{"-var", "client_secret=" + secret}},
		{name: "ephemeral, TF_VAR_", ephemeral: true, env: []string{"TF_VAR_client_secret=" + secret}},
		{name: "not ephemeral, -var", ephemeral: false, args: []string{"-var", "client_secret=" + secret}, inPlan: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLIDir(t, config(tc.ephemeral))
			c.env = append(c.env, tc.env...)
			out := c.mustRun(nil, append([]string{"plan", "-input=false", "-no-color", "-out=tfplan"}, tc.args...)...)
			plan := unzipped(t, filepath.Join(c.dir, "tfplan"))
			if !strings.Contains(plan, "var-client") {
				t.Fatalf("the unzipped plan does not hold the configuration:\n%s", plan)
			}
			if got := strings.Contains(plan, secret); got != tc.inPlan {
				t.Errorf("secret in the saved plan: %v, want %v", got, tc.inPlan)
			}
			if strings.Contains(out, secret) {
				t.Error("the secret appears in the plan output")
			}
		})
	}
}

// A client secret from a file named by WORKIVA_CLIENT_SECRET_FILE (a Vault
// Agent template, say): the token is issued with it; an echo of it is
// withheld like the secret's; a missing or empty file is an error that
// names it, and nothing is sent.
func TestCLIClientSecretFile(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	if err := os.WriteFile(file, []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n  max_retries = 0\n}\ndata \"workiva_token\" \"t\" {}\noutput \"scope\" {\n  value = data.workiva_token.t.scope\n}\n",
		testClientID, srv.TokenURL())
	c := newCLIDir(t, config)
	if out, err := flatRun(c, []string{"WORKIVA_CLIENT_SECRET_FILE=" + file}, "apply", "-auto-approve", "-input=false"); err != nil || !strings.Contains(out, `scope = "file:read graph:read"`) {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	srv.Script(iamserver.Fault{Status: 401, ContentType: "text/plain", Body: "unknown secret " + strings.ToUpper(testSecret)})
	out, _ := flatRun(c, []string{"WORKIVA_CLIENT_SECRET_FILE=" + file}, "plan", "-input=false")
	if !strings.Contains(out, "(the response body is not shown: it echoes a credential)") || strings.Contains(strings.ToLower(out), testSecret) {
		t.Errorf("the echo of the file's secret is shown:\n%s", out)
	}
	// The review's reproductions: a FIFO hung the run past every timeout,
	// /dev/zero ran the provider out of memory, and a secret put in
	// WORKIVA_CLIENT_SECRET_FILE instead of WORKIVA_CLIENT_SECRET was
	// printed as the file's name. No diagnostic names the file.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	const misplaced = "wk_secret:oa2c:Q7f3Zk9LmP2xR8vT4bWn" //nolint:gosec // a test credential in Workiva's shape
	const failed = "Reading the client secret from the file named by WORKIVA_CLIENT_SECRET_FILE failed: "
	for _, tc := range []struct{ name, path, content, want string }{
		{"missing", filepath.Join(dir, "missing"), "", failed + "no such file or directory"},
		{"empty", filepath.Join(dir, "empty"), "\n", "The client secret file named by WORKIVA_CLIENT_SECRET_FILE is empty or only white space"},
		{"a FIFO", fifo, "", failed + "it is a named pipe (FIFO), not a regular file"},
		{"/dev/zero", "/dev/zero", "", failed + "it is a device, not a regular file"},
		{"a directory", dir, "", failed + "it is a directory, not a regular file"},
		{"larger than 64 KiB", filepath.Join(dir, "large"), strings.Repeat("x", 64<<10+1), failed + "it is larger than 64 KiB"},
		{"the secret in the wrong variable", misplaced, "", failed + "no such file or directory"},
	} {
		if tc.content != "" {
			if err := os.WriteFile(tc.path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		before := len(srv.TokenRequests())
		out, err := flatRun(c, []string{"WORKIVA_CLIENT_SECRET_FILE=" + tc.path}, "plan", "-input=false")
		if err == nil || !strings.Contains(out, "Authentication failed: no client secret") || !strings.Contains(out, tc.want) ||
			!strings.Contains(out, "WORKIVA_CLIENT_SECRET_FILE) names a file this process can read") {
			t.Errorf("%s:\n%s", tc.name, out)
		}
		if strings.Contains(out, tc.path) {
			t.Errorf("%s: the diagnostic names the file, which may be a secret written in the wrong place:\n%s", tc.name, out)
		}
		if n := len(srv.TokenRequests()) - before; n != 0 {
			t.Errorf("%s: %d token requests sent", tc.name, n)
		}
	}
}

// The third review's seventh finding: a Workiva secret pasted as the client
// id (both are shown on one screen) was sent, printed and logged. It is
// refused before anything is sent, in the provider block, in an entry of
// grants and in WORKIVA_CLIENT_ID, and no output shows it.
func TestCLISecretAsClientIDIsRefused(t *testing.T) {
	const secret = "wk_secret:oa2c:Q7f3Zk9LmP2xR8vT4bWn" //nolint:gosec // a test credential in Workiva's shape
	srv := iam(t, iamserver.Options{})
	for _, tc := range []struct {
		name, config, command string
		env                   []string
	}{
		{"provider block", fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n}\n", secret, srv.TokenURL()), "validate", nil},
		{"grants entry", fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n  grants = { g = { client_id = %q, client_secret = %q } }\n}\n",
			srv.TokenURL(), secret, testSecret), "validate", nil},
		{"WORKIVA_CLIENT_ID", fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n}\n", srv.TokenURL()), "plan",
			[]string{"WORKIVA_CLIENT_ID=" + secret, "WORKIVA_CLIENT_SECRET=" + testSecret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			c := newCLIDir(t, tc.config+"data \"workiva_token\" \"t\" {}\n")
			out, err := flatRun(c, append(tc.env, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+filepath.Join(c.dir, "debug.log")), tc.command, "-no-color")
			if err == nil || !strings.Contains(out, "Client id looks like a client secret") || !strings.Contains(out, "has the shape of a Workiva client secret") {
				t.Errorf("%s: want the client id refused:\n%s", tc.command, out)
			}
			for where, text := range map[string]string{"output": out, "DEBUG log": c.read("debug.log")} {
				if strings.Contains(text, "Q7f3Zk9LmP2xR8vT4bWn") {
					t.Errorf("the %s shows the secret", where)
				}
			}
			if n := len(srv.TokenRequests()); n != 0 {
				t.Errorf("%d token requests were sent", n)
			}
		})
	}
}

// The third review's fourth finding: echoes in encodings the scrubber did
// not decode were printed. An error body that holds the base64 of the
// secret's UTF-16LE bytes (.NET's Convert.ToBase64String of
// Encoding.Unicode), its base32, or the hex of its UTF-16LE bytes is
// withheld, from the output and the DEBUG log alike.
func TestCLIEncodedEchoesAreWithheld(t *testing.T) {
	utf16le := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	srv := iam(t, iamserver.Options{})
	for name, echo := range map[string]string{
		"base64 of UTF-16LE": base64.StdEncoding.EncodeToString(utf16le(testSecret)),
		"base32":             base32.StdEncoding.EncodeToString([]byte(testSecret)),
		"hex of UTF-16LE":    hex.EncodeToString(utf16le(testSecret)),
	} {
		t.Run(name, func(t *testing.T) {
			srv.Script(iamserver.Fault{Status: 401, ContentType: "text/plain", Body: "invalid client credentials: " + echo})
			c := newCLIDir(t, providerBlock(srv, "max_retries = 0")+"data \"workiva_token\" \"t\" {}\n")
			out, err := flatRun(c, []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + filepath.Join(c.dir, "debug.log")}, "plan", "-input=false")
			if err == nil || !strings.Contains(out, "HTTP 401") || !strings.Contains(out, "it echoes a credential") {
				t.Fatalf("plan: want the 401 with its body withheld:\n%s", out)
			}
			for where, text := range map[string]string{"output": out, "DEBUG log": c.read("debug.log")} {
				if strings.Contains(text, echo[:16]) {
					t.Errorf("the %s shows the echo %q", where, echo)
				}
			}
		})
	}
}

// The second review of the containment pass: a secret written in
// client_secret_file in the configuration (provider block or grants
// entry), next to an auth style that sends no secret, was printed in the
// configuration diagnostic and the TRACE log; a token written in
// workload_identity.env_var, and a secret in WORKIVA_REGION, likewise.
// Every value that may be a credential reaches the scrubber before any
// diagnostic about its grant is made, and the wording names the setting.
func TestCLIMisplacedCredentialsAreNeverShown(t *testing.T) {
	const misplaced = "okta-Zq8Lm2Vx9Tr4Wp7Kb3Nd"                                                                                //nolint:gosec // a test credential
	const token = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJyZXBvOmFjbWUvaW5mcmEiLCJhdWQiOiJ3ayJ9.c2lnbmF0dXJlc2lnbmF0dXJl" //nolint:gosec // a test token
	srv := iam(t, iamserver.Options{})
	ca := iamtest.NewCA(t)
	cert, key := ca.ClientCertificate(t, "c")
	for _, tc := range []struct {
		name, config, want, secret string
		env                        []string
	}{
		{"client_secret_file in the provider block", fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret_file = %q\n  token_url = %q\n  auth_style = \"tls_client_auth\"\n  client_certificate_pem = %q\n  client_key_pem = %q\n}\n",
			testClientID, misplaced, srv.TokenURL(), cert, key), "a client secret is set (the file named by client_secret_file in the provider block)", misplaced, nil},
		{"client_secret_file in a grants entry", fmt.Sprintf("provider \"workiva\" {\n  token_url = %q\n  grants = { g = { client_id = %q, client_secret_file = %q, auth_style = \"tls_client_auth\", client_certificate_pem = %q, client_key_pem = %q } }\n}\n",
			srv.TokenURL(), testClientID, misplaced, cert, key), `the file named by client_secret_file in grants["g"]`, misplaced, nil},
		{"a token in workload_identity.env_var", fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n  workload_identity = { source = \"env\", env_var = %q }\n}\n",
			testClientID, srv.TokenURL(), token), "and that is no variable's name", "c2lnbmF0dXJlc2lnbmF0dXJl", nil},
		{"a secret in WORKIVA_REGION", fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret = %q\n}\n", testClientID, testSecret),
			"WORKIVA_REGION is not one of", misplaced, []string{"WORKIVA_REGION=" + misplaced}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLIDir(t, tc.config+"data \"workiva_token\" \"t\" {}\n")
			out, err := flatRun(c, append(tc.env, "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH="+filepath.Join(c.dir, "trace.log")), "plan", "-input=false")
			if err == nil || !strings.Contains(out, tc.want) {
				t.Errorf("plan: want %q:\n%s", tc.want, out)
			}
			for where, text := range map[string]string{"output": out, "TRACE log": c.read("trace.log")} {
				if i := strings.Index(text, tc.secret); i >= 0 {
					t.Errorf("the %s shows it: …%s…", where, text[max(0, i-200):min(len(text), i+60)])
				}
			}
		})
	}
}
