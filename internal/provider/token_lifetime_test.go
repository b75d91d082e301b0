package provider_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// A token's lifetime reaches expires_in and expires_at whatever the shape
// of the token response, through the CLI: form and text bodies keep their
// expires_in, 0 is never reused and says so, a lifetime beyond a year is
// capped with a warning, and a value that is no lifetime is an error.
func TestCLILifetimeFromEveryResponseShape(t *testing.T) {
	// Configure asks for file:read (once or twice per command, as the CLI
	// has it); the data sources for graph:read, which is counted.
	config := `
data "workiva_token" "t" {
  scopes = ["graph:read"]
}
data "workiva_token" "again" {
  scopes     = ["graph:read"]
  depends_on = [data.workiva_token.t]
}
output "expires_in" {
  value = data.workiva_token.t.expires_in
}
output "expires_at" {
  value = data.workiva_token.t.expires_at
}
`
	year := time.Now().Add(365 * 24 * time.Hour)
	for _, tc := range []struct {
		name      string
		opts      iamserver.Options
		expiresIn string // the output, as JSON
		expiresAt func(string) bool
		warnings  []string
		failure   string
		requests  int // token requests for the data sources' scope set in apply -auto-approve
	}{
		{name: "form", opts: iamserver.Options{ResponseFormat: iamserver.FormatForm}, expiresIn: "599", expiresAt: near(time.Now().Add(599 * time.Second)), requests: 1},
		{name: "text", opts: iamserver.Options{ResponseFormat: iamserver.FormatText}, expiresIn: "599", expiresAt: near(time.Now().Add(599 * time.Second)), requests: 1},
		{name: "zero", opts: iamserver.Options{ExpiresIn: "0"}, expiresIn: "0", expiresAt: isNull, requests: 2,
			warnings: []string{"Warning: Token may expire at once", "The server at http://127.0.0.1:PORT/oauth2/token gave the token expires_in 0, so expires_at is null and the provider does not reuse the token"}},
		{name: "form zero", opts: iamserver.Options{ResponseFormat: iamserver.FormatForm, ExpiresIn: "0"}, expiresIn: "0", expiresAt: isNull, requests: 2, warnings: []string{"Warning: Token may expire at once"}},
		{name: "huge", opts: iamserver.Options{ExpiresIn: "9223372037"}, expiresIn: strconv.Itoa(365 * 24 * 3600), expiresAt: near(year), requests: 1,
			warnings: []string{"Warning: Token lifetime capped", "The server at http://127.0.0.1:PORT/oauth2/token gave the token expires_in 9223372037 seconds, more than a year; the provider takes it to live a year (31536000 seconds"}},
		{name: "non-numeric", opts: iamserver.Options{ResponseFormat: iamserver.FormatForm, ExpiresIn: "abc"},
			failure: `Error: Authentication failed: unusable token response .* expires_in "abc" is not a number of seconds`},
		{name: "fractional", opts: iamserver.Options{ResponseFormat: iamserver.FormatText, ExpiresIn: "3600.5"},
			failure: `Error: Authentication failed: unusable token response .* expires_in 3600.5 is not a whole number of seconds`},
		{name: "negative", opts: iamserver.Options{ExpiresIn: "-60"}, failure: `Error: Authentication failed: unusable token response .* expires_in -60 is negative`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := iam(t, tc.opts)
			c := newCLIDir(t, providerBlock(srv, `scopes = ["file:read"]`)+config)
			out, err := c.run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
			flat := strings.ReplaceAll(strings.Join(strings.Fields(out), " "), strings.TrimPrefix(srv.URL(), "http://127.0.0.1:"), "PORT")
			if tc.failure != "" {
				if err == nil || !regexp.MustCompile(tc.failure).MatchString(flat) {
					t.Fatalf("want an error matching %q, got (%v):\n%s", tc.failure, err, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			for _, w := range tc.warnings {
				if !strings.Contains(flat, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(flat, "Token lifetime unknown") {
				t.Errorf("a response with expires_in warns that the lifetime is unknown:\n%s", out)
			}
			var outputs map[string]struct{ Value any }
			dec := json.NewDecoder(strings.NewReader(c.mustRun(nil, "output", "-json")))
			dec.UseNumber()
			if err := dec.Decode(&outputs); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(outputs["expires_in"].Value); got != tc.expiresIn {
				t.Errorf("expires_in = %s, want %s", got, tc.expiresIn)
			}
			if at, _ := outputs["expires_at"].Value.(string); !tc.expiresAt(at) {
				t.Errorf("expires_at = %q", at)
			}
			if n := countScope(srv, "graph:read"); n != tc.requests {
				t.Errorf("the two data sources cost %d token requests, want %d", n, tc.requests)
			}
		})
	}
}

func isNull(s string) bool { return s == "" }

func near(want time.Time) func(string) bool {
	return func(s string) bool {
		at, err := time.Parse(time.RFC3339, s)
		return err == nil && at.Sub(want).Abs() < time.Minute
	}
}

// min_validity holds for a token that aged during apply: the provider
// authenticates when apply starts, a resource then waits, and only then an
// ephemeral workiva_token with min_validity opens. It is handed a token
// with at least min_validity left, not the aged one (20 s tokens, 14 s
// asked: the aged token has 13 s at most by then). The server issues
// refresh tokens too (Blynk.Cloud's style): the new token is asked for
// with client credentials and the grant's audience, never with the
// refresh token.
func TestCLIMinValidityAfterAWait(t *testing.T) {
	srv := iam(t, iamserver.Options{TokenLifetime: 20 * time.Second, RefreshTokens: true})
	c := newCLIDir(t, providerBlock(srv, `audience = "https://api.example"`)+`
resource "terraform_data" "wait" {
  provisioner "local-exec" {
    command = "sleep 7"
  }
}
ephemeral "workiva_token" "late" {
  min_validity = "14s"
  depends_on   = [terraform_data.wait]
}
resource "terraform_data" "use" {
  depends_on = [terraform_data.wait]
  provisioner "local-exec" {
    command = "date +%s.%N > handed.time && printf %s \"$TOKEN\" > handed.token"
    environment = {
      TOKEN = ephemeral.workiva_token.late.access_token
    }
  }
}
`)
	out := c.mustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if strings.Contains(out, "Token lifetime shorter than min_validity") {
		t.Errorf("20 s tokens meet min_validity 14s, yet:\n%s", out)
	}
	for i, r := range srv.TokenRequests() {
		if r.Form.Get("grant_type") != "client_credentials" || r.Form.Has("refresh_token") || r.Form.Get("audience") != "https://api.example" {
			t.Errorf("token request %d: %v", i, r.Form)
		}
	}
	token := c.read("handed.token")
	secs, err := strconv.ParseFloat(strings.TrimSpace(c.read("handed.time")), 64)
	if err != nil {
		t.Fatal(err)
	}
	used := time.Unix(0, int64(secs*1e9))
	for _, is := range srv.IssuedTokens() {
		if is.AccessToken != token {
			continue
		}
		left := is.ExpiresAt.Sub(used)
		t.Logf("the consumer used a token with %s left", left.Round(time.Millisecond))
		if left < 14*time.Second {
			t.Errorf("the ephemeral token with min_validity 14s had %s left when its consumer ran", left)
		}
		return
	}
	t.Fatalf("the consumer's token (%d bytes) was not issued by the server", len(token))
}

// Several plans at once against a gateway that allows two token requests a
// second and answers the rest 429 with Retry-After: 1: the waits grow and
// spread, so every plan gets its tokens.
func TestCLIRateLimitedFleet(t *testing.T) {
	srv := iam(t, iamserver.Options{RateLimit: 2})
	const plans = 6
	dirs := make([]*cliDir, plans)
	for i := range dirs {
		dirs[i] = newCLIDir(t, providerBlock(srv, "max_retries = 6")+`
data "workiva_token" "a" {
  scopes = ["file:read"]
}
data "workiva_token" "b" {
  scopes = ["graph:read"]
}
`)
	}
	var wg sync.WaitGroup
	errs := make([]string, plans)
	for i, c := range dirs {
		wg.Go(func() {
			if out, err := c.run(nil, "plan", "-input=false", "-no-color"); err != nil {
				errs[i] = fmt.Sprintf("plan %d: %v\n%s", i, err, out)
			}
		})
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Error(e)
		}
	}
	limited := 0
	for _, r := range srv.TokenRequests() {
		if r.Status == 429 {
			limited++
		}
	}
	t.Logf("%d token requests, %d of them limited", len(srv.TokenRequests()), limited)
	if limited == 0 {
		t.Error("the gateway never limited the fleet; the test shows nothing")
	}
}

// auto learns once, through the CLI: against a server that takes the
// secret only in the body, a plan with two scope sets costs one refused
// Basic attempt and one request per token; a persistent 503 costs
// max_retries + 1 requests, not twice that.
func TestCLIAutoLearnsOnce(t *testing.T) {
	srv := iam(t, iamserver.Options{Clients: []iamserver.Client{{ID: "post-only", Secret: "post-only-secret", Scopes: []string{"file:read", "graph:read"},
		SecretMethods: []string{iamserver.MethodSecretPost}}}})
	config := fmt.Sprintf("provider \"workiva\" {\n  client_id = \"post-only\"\n  client_secret = \"post-only-secret\"\n  token_url = %q\n  auth_style = \"auto\"\n  max_retries = 2\n}\n", srv.TokenURL()) + `
data "workiva_token" "files" {
  scopes = ["file:read"]
}
data "workiva_token" "graph" {
  scopes = ["graph:read"]
}
`
	newCLIDir(t, config).mustRun(nil, "plan", "-input=false", "-no-color")
	var got []string
	for _, r := range srv.TokenRequests() {
		got = append(got, fmt.Sprintf("%s:%d", r.AuthMethod, r.Status))
	}
	if want := []string{":401", "client_secret_post:200", "client_secret_post:200", "client_secret_post:200"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("a plan with three tokens sent %v, want %v", got, want)
	}

	down := iam(t, iamserver.Options{})
	down.Script(iamserver.Fault{Status: 503}, iamserver.Fault{Status: 503}, iamserver.Fault{Status: 503}, iamserver.Fault{Status: 503},
		iamserver.Fault{Status: 503}, iamserver.Fault{Status: 503})
	c := newCLIDir(t, providerBlock(down, `auth_style = "auto"`, "max_retries = 2")+"data \"workiva_token\" \"t\" {}\n")
	if out, err := c.run(nil, "plan", "-input=false", "-no-color"); err == nil || !strings.Contains(out, "HTTP 503") {
		t.Fatalf("plan against a failing server:\n%s", out)
	}
	if n := len(down.TokenRequests()); n != 3 {
		t.Errorf("a persistent 503 with max_retries = 2 cost %d requests, want 3", n)
	}
}
