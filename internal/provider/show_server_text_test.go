package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// The reproduction, through the CLI: a secret echoed the way PHP's
// json_encode writes it (\/) in an HTTP 400 body is not shown; the body is
// withheld and the diagnostic says why.
func TestCLIPHPEchoIsWithheld(t *testing.T) {
	const id, secret = "php-client", "Zm9v+YmFy/c2VjcmV0="
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: id, Secret: secret, Scopes: []string{"file:read"}}}})
	srv.Script(iamserver.Fault{Status: 400, ContentType: "application/json", Body: `{"client_secret":"Zm9v+YmFy\/c2VjcmV0="}`})
	c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  token_url = %q\n  auth_style = \"body\"\n}\ndata \"workiva_token\" \"t\" {}\n", id, srv.TokenURL()))
	c.env = append(c.env, "WORKIVA_CLIENT_SECRET="+secret)
	logFile := filepath.Join(c.dir, "debug.log")
	out, err := c.run([]string{"TF_LOG=DEBUG", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(flat, "Authentication failed: HTTP 400") ||
		!strings.Contains(flat, "Body begins: (the response body is not shown: it echoes a credential)") {
		t.Fatalf("plan against a PHP echo:\n%s", out)
	}
	for where, text := range map[string]string{"output": out, "DEBUG log": c.read("debug.log")} {
		for _, f := range []string{"Zm9v+YmFy", `YmFy\/c2Vj`, `YmFy\\/c2Vj`, "c2VjcmV0"} {
			if strings.Contains(text, f) {
				t.Errorf("the %s shows %q", where, f)
			}
		}
	}
}

// Text a server sends cannot drive the terminal: ANSI colours, clear
// screen, an OSC 8 link and a bell in error_description, in a body and in
// WWW-Authenticate reach the CLI escaped, never as control characters.
func TestCLIServerTextCannotDriveTheTerminal(t *testing.T) {
	const hostile = "\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;https://evil.example/\x07click\x1b]8;;\x07 bell\a c1\u009b1m del\x7f"
	for name, fault := range map[string]iamserver.Fault{
		"description": {Status: 400, ContentType: "application/json", Body: `{"error":"invalid_request","error_description":"` +
			strings.NewReplacer("\x1b", `\u001b`, "\a", `\u0007`, "\u009b", `\u009b`, "\x7f", `\u007f`).Replace(hostile) + `"}`},
		"body":      {Status: 503, ContentType: "text/plain", Body: "down " + hostile},
		"challenge": {Status: 401, ContentType: "text/plain", Body: "no", Header: map[string][]string{"Www-Authenticate": {"Basic realm=\"" + hostile + "\""}}},
	} {
		t.Run(name, func(t *testing.T) {
			srv := iam(t, iamserver.Options{})
			srv.Script(fault)
			c := newCLIDir(t, providerBlock(srv, "max_retries = 0")+"data \"workiva_token\" \"t\" {}\n")
			logFile := filepath.Join(c.dir, "debug.log")
			out, err := c.run([]string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
			if err == nil || !strings.Contains(out, "Authentication failed") {
				t.Fatalf("plan:\n%s", out)
			}
			if !strings.Contains(out, `\x1b[2J\x1b[31mred`) {
				t.Errorf("the server's text is not shown escaped:\n%s", out)
			}
			for where, text := range map[string]string{"output": out, "log": c.read("debug.log")} {
				if i := strings.IndexFunc(text, func(r rune) bool { return r == 0x1b || r == 0x07 || r == 0x7f || r >= 0x80 && r <= 0x9f }); i >= 0 {
					t.Errorf("the %s holds control character %q at %d:\n%q", where, text[i:i+1], i, text)
				}
			}
		})
	}
}

// URLs are shown without credentials: a token_url that does not parse or
// carries user info is refused without being repeated; query values are
// shown as *** in diagnostics and DEBUG lines, while the request still
// carries them.
func TestCLIURLsShownWithoutCredentials(t *testing.T) {
	t.Run("unparsable and user info", func(t *testing.T) {
		for _, tc := range []struct{ url, leak, rule string }{
			{"https://my-client:s3cr3t%zz@idp.example/oauth/token", "s3cr3t", "a % is not followed by two hexadecimal digits"},
			{"https://sk_live_abc123@idp.example/oauth/token", "sk_live_abc123", "carries user info"},
		} {
			c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = \"x\"\n  client_secret = \"y\"\n  token_url = %q\n}\ndata \"workiva_token\" \"t\" {}\n", tc.url))
			logFile := filepath.Join(c.dir, "trace.log")
			out, err := c.run([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
			flat := strings.Join(strings.Fields(out), " ")
			if err == nil || !strings.Contains(flat, "Invalid token_url") || !strings.Contains(flat, tc.rule) {
				t.Fatalf("plan with token_url %s:\n%s", tc.url, out)
			}
			// The diagnostic is not attached to token_url, so Terraform
			// does not print the configuration line under it.
			if strings.Contains(out, tc.leak) {
				t.Errorf("the output shows %q:\n%s", tc.leak, out)
			}
			// Terraform core's own TRACE lines may quote the configuration;
			// the provider's lines must not repeat the value.
			log := strings.ReplaceAll(c.read("trace.log"), fmt.Sprintf(`token_url = \"%s\"`, tc.url), "")
			log = strings.ReplaceAll(log, tc.url, "")
			if strings.Contains(log, tc.leak) {
				t.Errorf("the TRACE log repeats %q", tc.leak)
			}
		}
	})
	t.Run("query", func(t *testing.T) {
		const key = "fn-key-7f3a9c0d2b"
		srv := iam(t, iamserver.Options{})
		c := newCLIDir(t, fmt.Sprintf("provider \"workiva\" {\n  client_id = %q\n  client_secret = \"wrong\"\n  token_url = %q\n}\ndata \"workiva_token\" \"t\" {}\n",
			testClientID, srv.TokenURL()+"?code="+key+"&tenant=t1"))
		logFile := filepath.Join(c.dir, "debug.log")
		out, err := c.run([]string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
		if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "/oauth2/token?code=***&tenant=*** for client id") {
			t.Fatalf("plan:\n%s", out)
		}
		log := c.read("debug.log")
		if !strings.Contains(log, "code=***&tenant=***") {
			t.Errorf("the DEBUG log does not show the endpoint with its query masked")
		}
		for where, text := range map[string]string{"output": out, "DEBUG log": log} {
			text = strings.ReplaceAll(text, srv.TokenURL()+"?code="+key, "") // Terraform quoting the configuration
			if strings.Contains(text, key) {
				t.Errorf("the %s shows the key", where)
			}
		}
		reqs := srv.TokenRequests()
		if len(reqs) == 0 || reqs[0].Query.Get("code") != key {
			t.Errorf("the request did not carry the query: %+v", reqs)
		}
	})
}

// An empty or white-space client assertion, from the file or the variable,
// is an error that names its source, and nothing is sent.
func TestCLIEmptyAssertion(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	empty := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(empty, []byte("\n  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("provider \"workiva\" {\n  client_id = \"ci\"\n  token_url = %q\n}\ndata \"workiva_token\" \"t\" {}\n", srv.TokenURL())
	for _, tc := range []struct{ env, want string }{
		{"WORKIVA_CLIENT_ASSERTION_FILE=" + empty, "Authentication failed: no client assertion .* the file named by WORKIVA_CLIENT_ASSERTION_FILE is empty or only white space"},
		{"WORKIVA_CLIENT_ASSERTION= \t ", "Empty client assertion .* WORKIVA_CLIENT_ASSERTION is empty or only white space, so there is no assertion to send, and nothing was sent"},
	} {
		c := newCLIDir(t, config)
		out, err := c.run([]string{tc.env}, "plan", "-input=false", "-no-color")
		if flat := strings.Join(strings.Fields(out), " "); err == nil || !regexp.MustCompile(tc.want).MatchString(flat) {
			t.Errorf("%s: want %q, got (%v):\n%s", tc.env, tc.want, err, out)
		}
	}
	if n := len(srv.TokenRequests()); n != 0 {
		t.Errorf("%d token requests were sent without an assertion", n)
	}
}

// A 200 answer that is an HTML page (a captive portal, a maintenance page)
// says so with its content type and first bytes, without the JSON
// parser's complaint about '<'.
func TestCLIHTMLAnswer(t *testing.T) {
	srv := iam(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Status: 200, ContentType: "text/html; charset=utf-8", Body: "<html><title>Sign in to the guest Wi-Fi</title></html>"})
	c := newCLIDir(t, providerBlock(srv)+"data \"workiva_token\" \"t\" {}\n")
	out, err := c.run(nil, "plan", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"Authentication failed: unusable token response", "the endpoint answered with a page, not a token response",
		"Content type: text/html; charset=utf-8", "Body begins: <html><title>Sign in to the guest Wi-Fi"} {
		if err == nil || !strings.Contains(flat, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, noise := range []string{"cannot parse json", "invalid character"} {
		if strings.Contains(flat, noise) {
			t.Errorf("output shows the JSON parser's %q:\n%s", noise, out)
		}
	}
}
