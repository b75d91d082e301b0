package provider_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// The CLI tests of issue 21: a credential goes only where it belongs and is
// never shown, through the path a user takes.

// A key in token_url's query (an Azure Function's ?code=) is never shown
// when the request gets no answer: the transport's error quotes the raw
// URL, and the diagnostic and the TRACE log word the failure from its facts
// with the URL masked.
func TestCLITransportErrorsHideURLKeys(t *testing.T) {
	const key = "fn-key-Q8v2Lr7TzX4mWc1d"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/api/token?code=" + key
	_ = ln.Close()
	hang := iam(t, iamserver.Options{})
	hang.Script(iamserver.Fault{Delay: 5 * time.Second})
	for _, tc := range []struct {
		name, url, timeout string
		want               []string
	}{
		{"connection refused", refused, "5s", []string{"Authentication failed: could not connect", "/api/token?code=*** got no answer", "connection refused"}},
		{"timeout", hang.TokenURL() + "?code=" + key, "300ms", []string{"Authentication failed: no answer in time", "/oauth2/token?code=*** got no answer within the request timeout"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret = %q\n  token_url = %q\n  max_retries = 0\n  request_timeout = %q\n}\ndata \"workiva_token\" \"t\" {}\n",
				testClientID, testSecret, tc.url, tc.timeout))
			out, err := flatRun(c, []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(c.dir, "trace.log")}, "plan", "-input=false")
			if err == nil {
				t.Fatalf("plan succeeded:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			log := c.read("trace.log")
			if !strings.Contains(log, "code=***") {
				t.Error("the TRACE log does not show the endpoint with its key masked")
			}
			for where, text := range map[string]string{"output": out, "TRACE log": log} {
				// Terraform core quotes the configuration in its own TRACE
				// lines; the provider's lines and diagnostics must not.
				text = strings.ReplaceAll(text, tc.url, "")
				if strings.Contains(text, key) {
					i := strings.Index(text, key)
					t.Errorf("the %s shows the key: …%s…", where, text[max(0, i-200):min(len(text), i+50)])
				}
			}
		})
	}
}

// A grants entry whose token endpoint has another origin than the provider
// block's inherits no credential: the provider's secret (from the block or
// WORKIVA_CLIENT_SECRET) never reaches the other party. An entry at the
// provider's own origin keeps inheriting.
func TestCLIInheritedCredentialsStayAtTheirEndpoint(t *testing.T) {
	home, other := iam(t, iamserver.Options{}), iam(t, iamserver.Options{})
	issuer, err := iamserver.NewCIIssuer("https://ci.example")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	subject, err := issuer.Sign("repo:acme/infra", "sts", now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, entry string
		env         []string
		want        string
	}{
		{"client credentials at another endpoint", fmt.Sprintf("token_url = %q", other.TokenURL()), nil,
			`Missing client_secret for grant "other"`},
		{"the secret from the environment", fmt.Sprintf("token_url = %q", other.TokenURL()), []string{"WORKIVA_CLIENT_SECRET=" + testSecret},
			`Missing client_secret for grant "other"`},
		{"a token exchange at another party's STS", fmt.Sprintf("token_url = %q\n      grant_type = \"token_exchange\"\n      workload_identity = { source = \"value\", token = %q }",
			other.TokenURL(), subject), nil, `for grant "other": HTTP 400 invalid_grant`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other.Reset()
			secret := fmt.Sprintf("client_secret = %q", testSecret)
			if tc.env != nil {
				secret = ""
			}
			c := newCLIDir(t, fmt.Sprintf(`
provider "workiva" {
  client_id = %q
  %s
  token_url = %q
  max_retries = 0
  grants = {
    other = {
      %s
    }
  }
}
data "workiva_token" "t" {
  grant = "other"
}
`, testClientID, secret, home.TokenURL(), tc.entry))
			out, err := flatRun(c, tc.env, "plan", "-input=false")
			if err == nil || !strings.Contains(out, tc.want) {
				t.Fatalf("plan (want %q):\n%s", tc.want, out)
			}
			for _, r := range other.TokenRequests() {
				if r.Header.Get("Authorization") != "" || r.Form.Get("client_secret") != "" || r.Form.Get("client_assertion") != "" {
					t.Errorf("the other party received a client credential: %v %v", r.Header, r.Form)
				}
			}
		})
	}
	t.Run("an entry at the provider's origin inherits", func(t *testing.T) {
		c := newCLIDir(t, fmt.Sprintf(`
provider "workiva" {
  client_id = %q
  client_secret = %q
  token_url = %q
  grants = {
    same = {
      token_url = %q
      scopes = ["file:read"]
    }
  }
}
data "workiva_token" "t" {
  grant = "same"
}
`, testClientID, testSecret, home.TokenURL(), home.TokenURL()+"?tenant=t1"))
		if out, err := flatRun(c, nil, "plan", "-input=false"); err != nil {
			t.Fatalf("plan: %s", out)
		}
	})
}

// Server text is bounded wherever it is shown: a 1 MB expires_in in a 200
// answer, a 3 MB Content-Type on an error answer and a long Retry-After
// give diagnostics and DEBUG logs of a few KiB.
func TestCLIServerTextIsBounded(t *testing.T) {
	huge := strings.Repeat("9", 1_000_000) // x/oauth2 reads 1 MiB of a body
	for _, tc := range []struct {
		name   string
		faults []iamserver.Fault
		want   string
	}{
		{"a 1 MB expires_in", []iamserver.Fault{{Status: 200, ContentType: "application/json",
			Body: `{"access_token":"tok-huge","token_type":"Bearer","expires_in":` + huge + `}`}}, "unusable token response"},
		{"a 3 MB Content-Type", []iamserver.Fault{{Status: 400, ContentType: "text/plain; x=" + strings.Repeat("a", 3<<20), Body: "no"}}, "HTTP 400"},
		{"a long Retry-After", []iamserver.Fault{{Status: 503, RetryAfter: strings.Repeat("7", 600_000)}, {Status: 400, Body: "no"}}, "HTTP 400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := iam(t, iamserver.Options{})
			srv.Script(tc.faults...)
			c := newCLIDir(t, providerBlock(srv, "max_retries = 1")+"data \"workiva_token\" \"t\" {}\n")
			out, err := flatRun(c, []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + filepath.Join(c.dir, "debug.log")}, "plan", "-input=false")
			if err == nil || !strings.Contains(out, tc.want) {
				t.Fatalf("plan:\n%.2000s", out)
			}
			if len(out) > 16<<10 {
				t.Errorf("the output is %d bytes", len(out))
			}
			fi, err := os.Stat(filepath.Join(c.dir, "debug.log"))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() > 256<<10 {
				t.Errorf("the DEBUG log is %d bytes", fi.Size())
			}
		})
	}
}

// A UTF-16 error body (IIS, .NET) is shown as text, and withheld whole when
// it echoes the secret.
func TestCLIUTF16ErrorBody(t *testing.T) {
	utf16le := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return string(b)
	}
	srv := iam(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Status: 400, ContentType: "text/plain; charset=utf-16", Body: utf16le("Invalid client: unknown key")},
		iamserver.Fault{Status: 400, ContentType: "text/plain; charset=utf-16", Body: utf16le("Invalid client secret '" + testSecret + "'")})
	c := newCLIDir(t, providerBlock(srv, "max_retries = 0")+"data \"workiva_token\" \"t\" {}\n")
	out, _ := flatRun(c, nil, "plan", "-input=false")
	if !strings.Contains(out, "Body begins: Invalid client: unknown key") {
		t.Errorf("the UTF-16 body is not shown as text:\n%s", out)
	}
	out, _ = flatRun(c, nil, "plan", "-input=false")
	if !strings.Contains(out, "the response body is not shown: it echoes a credential") || strings.Contains(out, testSecret) {
		t.Errorf("the UTF-16 echo is not withheld:\n%s", out)
	}
}

// TF_LOG_SDK_PROTO_DATA_DIR makes the plugin SDK write every protocol
// message to disk, tokens included: the provider says so at configure.
func TestCLIProtoDataDirWarning(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	c := newCLIDir(t, providerBlock(srv)+"data \"workiva_token\" \"t\" {}\n")
	dir := filepath.Join(c.dir, "proto")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := flatRun(c, []string{"TF_LOG_SDK_PROTO_DATA_DIR=" + dir}, "plan", "-input=false")
	if err != nil {
		t.Fatalf("plan: %s", out)
	}
	for _, w := range []string{"Warning: TF_LOG_SDK_PROTO_DATA_DIR is set: credentials and tokens are written to disk", dir, "access tokens"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// A token_url refused for any rule while it has a query (which may hold a
// key) does not point at its configuration line, which Terraform would
// print key and all; neither validate nor plan shows the key.
func TestCLIRefusedTokenURLWithAKey(t *testing.T) {
	const key = "fn-key-Q8v2Lr7TzX4mWc1d"
	for _, u := range []string{"http://192.0.2.10/api/token?code=" + key, "https://192.0.2.10/api/token?code=" + key + "#x", "192.0.2.10/api/token?code=" + key} {
		c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret = %q\n  token_url = %q\n}\ndata \"workiva_token\" \"t\" {}\n", testClientID, testSecret, u))
		for _, cmd := range []string{"validate", "plan"} {
			out, err := flatRun(c, nil, cmd)
			if err == nil || !strings.Contains(out, "Invalid token_url") {
				t.Fatalf("%s with token_url %s:\n%s", cmd, u, out)
			}
			if strings.Contains(out, key) {
				t.Errorf("%s with token_url %s shows the key:\n%s", cmd, u, out)
			}
		}
	}
}

// What a token response says of its token (the granted scope, the token
// type) is the server's text too: a scope of 256 KB that spells the secret
// out with spaces is neither shown nor repeated in the warnings of an
// ephemeral token, which name it by the scope asked for; the run is not
// slowed by it.
func TestCLIGrantedScopeIsServerText(t *testing.T) {
	spaced := strings.Join(strings.Split(testSecret, ""), " ")
	body := fmt.Sprintf(`{"access_token":"tok-big","token_type":"Bearer","expires_in":4,"scope":"file:read graph:read %s %s"}`,
		spaced, strings.Repeat("&amp;x", (256<<10)/6))
	srv := iam(t, iamserver.Options{})
	var faults []iamserver.Fault
	for range 8 {
		faults = append(faults, iamserver.Fault{Status: 200, ContentType: "application/json", Body: body})
	}
	srv.Script(faults...)
	c := newCLIDir(t, providerBlock(srv)+`
ephemeral "workiva_token" "api" {
  scopes = ["file:read", "task:write"]
}
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 5"
    environment = {
      WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token
    }
  }
}
`)
	out, err := flatRun(c, []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + filepath.Join(c.dir, "provider.log")}, "apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("apply: %.4000s", out)
	}
	for _, w := range []string{"Token granted with fewer scopes than requested", `granted "(not shown: it echoes a credential)"`,
		`Workiva token expired during this run`, `requested scope "file:read task:write"`} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%.4000s", w, out)
		}
	}
	log := c.read("provider.log")
	for where, text := range map[string]string{"output": out, "DEBUG log": log} {
		if strings.Contains(text, spaced) || strings.Contains(text, "&amp;x&amp;x&amp;x") {
			t.Errorf("the %s shows the server's scope", where)
		}
	}
	if len(out) > 16<<10 {
		t.Errorf("the output is %d bytes", len(out))
	}
}

// The third review's third finding: extra_params may hold a credential (an
// api_key beside a tenant), and is declared so; every rule follows. A
// server that echoes the request shows the key neither in the diagnostic
// nor in the DEBUG log; an entry of
// grants that is another client at another origin is not sent the provider
// block's extra_params.
func TestCLIExtraParamsAreCredentials(t *testing.T) {
	const apiKey = "sk-live-7Hq2Lm9Xv4Rt8Zp1"         //nolint:gosec // a test credential
	const passphrase = "correct horse battery staple" //nolint:gosec // a test credential of words, which no shape reveals
	home, other := iam(t, iamserver.Options{}), iam(t, iamserver.Options{})
	for name, echoed := range map[string]string{"a key-like api_key": apiKey, "a password of words": passphrase} {
		t.Run(name, func(t *testing.T) {
			home.Script(iamserver.Fault{Status: 400, ContentType: "text/plain", Body: "unknown tenant acme-corp for request with " + echoed})
			c := newCLIDir(t, fmt.Sprintf(`
provider "workiva" {
  client_id     = %q
  client_secret = %q
  token_url     = %q
  max_retries   = 0
  extra_params  = { tenant = "acme-corp", api_key = %q, password = %q }
}
data "workiva_token" "t" {}
`, testClientID, testSecret, home.TokenURL(), apiKey, passphrase))
			out, err := flatRun(c, []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + filepath.Join(c.dir, "debug.log")}, "plan", "-input=false")
			if err == nil || !strings.Contains(out, "HTTP 400") {
				t.Fatalf("plan: want the server's refusal:\n%s", out)
			}
			for where, text := range map[string]string{"output": out, "DEBUG log": c.read("debug.log")} {
				if strings.Contains(text, echoed) {
					t.Errorf("the %s shows a value of extra_params", where)
				}
			}
		})
	}

	c := newCLIDir(t, fmt.Sprintf(`
provider "workiva" {
  client_id     = %q
  client_secret = %q
  token_url     = %q
  extra_params  = { tenant = "acme-corp", api_key = %q }
  grants = {
    other = {
      client_id     = "other-client"
      client_secret = "other-secret-0123456789"
      token_url     = %q
    }
  }
}
data "workiva_token" "t" {
  grant = "other"
}
`, testClientID, testSecret, home.TokenURL(), apiKey, other.TokenURL()))
	_, _ = flatRun(c, nil, "plan", "-input=false")
	reqs := other.TokenRequests()
	if len(reqs) == 0 {
		t.Fatal("the other grant sent no token request")
	}
	for _, r := range reqs {
		if r.Form.Has("api_key") || r.Form.Has("tenant") {
			t.Errorf("another client at another origin was sent the provider block's extra_params: %v", r.Form)
		}
	}
}
