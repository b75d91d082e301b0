package tokenclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzTokenResponse feeds arbitrary answers of the token endpoint to the
// client: it must never panic, must return either a consistent token or a
// *tokenclient.Error, and its error text must never carry the access token
// the body held. The seed corpus is in testdata/fuzz/FuzzTokenResponse.
func FuzzTokenResponse(f *testing.F) {
	seeds := []struct {
		status int
		ct     string
		body   string
	}{
		{200, "application/json", `{"access_token":"abc","expires_in":599,"scope":"file:read","token_type":"Bearer"}`},
		{200, "application/json", `{"access_token":"abc","expires_in":"3599","token_type":"Bearer"}`},
		{200, "application/json", `{"access_token":"abc","expires_in":-1}`},
		{200, "application/json", `{"access_token":"abc","expires_in":1e3}`},
		{200, "application/json", `{"access_token":"abc","scope":42}`},
		{200, "application/json", `{"access_token":"","token_type":"Bearer"}`},
		{200, "application/json", `{"error":"invalid_client"}`},
		{200, "text/plain", `access_token=abc&expires_in=599&scope=file%3Aread`},
		{200, "application/x-www-form-urlencoded", `access_token=abc&expires_in=x`},
		{200, "text/html", `<html>login</html>`},
		{400, "application/json", `{"error":"invalid_scope","error_description":"nope"}`},
		{401, "application/json", `{"error":"invalid_client"}`},
		{503, "text/html", `<h1>down</h1>`},
		{302, "", ``},
	}
	for _, s := range seeds {
		f.Add(s.status, s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		c, err := tokenclient.New(tokenclient.Config{
			TokenURL: "https://iam.test/oauth2/token", ClientID: "id", ClientSecret: "fuzz-secret", MaxRetries: 0,
			Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				h := http.Header{}
				if contentType != "" {
					h.Set("Content-Type", contentType)
				}
				return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(string(body))), Request: r}, nil
			}),
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tok, err := c.Token(ctx, []string{"file:read"})
		if err != nil {
			var te *tokenclient.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %T is not a *tokenclient.Error: %v", err, err)
			}
			var parsed struct {
				AccessToken string `json:"access_token"`
			}
			if json.Unmarshal(body, &parsed) == nil && len(parsed.AccessToken) >= 12 &&
				!strings.Contains(contentType, parsed.AccessToken) && strings.Contains(err.Error(), parsed.AccessToken) {
				t.Fatalf("error text carries the access token: %v", err)
			}
			if strings.Contains(err.Error(), "fuzz-secret") {
				t.Fatalf("error text carries the secret: %v", err)
			}
			return
		}
		if tok.AccessToken == "" {
			t.Fatal("token without access_token")
		}
		if !slices.Equal(data(tok.GrantedScopes), tokenclient.SplitScope(tok.Scope.Data())) {
			t.Fatalf("granted %v does not match scope %q", data(tok.GrantedScopes), tok.Scope.Data())
		}
		if tok.HasExpiresIn && tok.ExpiresIn < 0 {
			t.Fatalf("negative expires_in %d accepted", tok.ExpiresIn)
		}
		if want := tok.HasExpiresIn && tok.ExpiresIn > 0; tok.ExpiresAt.IsZero() == want {
			t.Fatalf("expires_at %v inconsistent with expires_in %d (%v)", tok.ExpiresAt, tok.ExpiresIn, tok.HasExpiresIn)
		}
	})
}

// FuzzScope checks the scope helpers against RFC 6749 3.3: ValidateScope
// accepts exactly what ScopeTokenPattern (used by the schema validators)
// matches, and splitting and normalising give clean, stable results.
func FuzzScope(f *testing.F) {
	for _, s := range []string{"file:read", "file:read graph:read", " a  b\ta ", `quote"`, `back\slash`, "naïve", "", "data_tables|r", "\x7f", "~!#[]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := tokenclient.ValidateScope(s) == nil
		if valid != tokenclient.ScopeTokenRE.MatchString(s) {
			t.Fatalf("ValidateScope(%q) = %v, pattern says %v", s, valid, !valid)
		}
		split := tokenclient.SplitScope(s)
		seen := map[string]bool{}
		for _, sc := range split {
			if sc == "" || strings.ContainsAny(sc, " \t\n\r") || seen[sc] {
				t.Fatalf("SplitScope(%q) = %q", s, split)
			}
			seen[sc] = true
		}
		norm := tokenclient.NormalizeScopes(split)
		if !slices.IsSorted(norm) || !slices.Equal(norm, tokenclient.NormalizeScopes(norm)) {
			t.Fatalf("NormalizeScopes not sorted or not idempotent: %q", norm)
		}
		if again := tokenclient.SplitScope(strings.Join(split, " ")); !slices.Equal(again, split) {
			t.Fatalf("split/join/split changed %q to %q", split, again)
		}
	})
}

// brokenBody yields some bytes, then fails the way a reset connection does.
type brokenBody struct{ sent bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, `{"access_token":"tok-cut-off","tok`), nil
	}
	return 0, syscall.ECONNRESET
}

func (b *brokenBody) Close() error { return nil }

// The kind of a failure comes from what the transport saw, not from the
// wording of x/oauth2's errors: a 2xx answer whose body could not be read to
// the end is a connection failure, not an unusable response; a 2xx answer
// read in full that holds no token is an unusable response.
func TestKindFromWhatTheTransportSaw(t *testing.T) {
	cases := []struct {
		name string
		body func() io.ReadCloser
		want tokenclient.ErrorKind
	}{
		{"connection reset while reading a 200 body", func() io.ReadCloser { return &brokenBody{} }, tokenclient.KindConnection},
		{"200 body read in full without a token", func() io.ReadCloser { return io.NopCloser(strings.NewReader(`{"token_type":"Bearer"}`)) }, tokenclient.KindResponse},
		{"200 body that is not JSON", func() io.ReadCloser { return io.NopCloser(strings.NewReader(`{"access_token":`)) }, tokenclient.KindResponse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tokenclient.New(tokenclient.Config{
				TokenURL: "https://iam.test/oauth2/token", ClientID: "id", ClientSecret: "secret", MaxRetries: 0,
				Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
					return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: tc.body(), Request: r}, nil
				}),
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Token(context.Background(), nil)
			var te *tokenclient.Error
			if !errors.As(err, &te) || te.Kind != tc.want {
				t.Fatalf("got %v, want kind %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "tok-cut-off") {
				t.Errorf("error text carries the token: %v", err)
			}
		})
	}
}

// A text from the server that echoes a credential is withheld whole when it
// is shown (redact.Output.Show): the whole text the error keeps is checked
// before it is cut, so a credential that straddles the cut is caught too,
// and a description or challenge that echoes one is dropped; and nothing
// the error formats to holds it.
func TestWithheldWhenItEchoesACredential(t *testing.T) {
	const secret = "SECRETVALUE-0123456789-SECRETVALUE"
	var scrub redact.Scrubber
	scrub.Add(secret)
	for _, tc := range []struct {
		status   int
		ct, body string
		header   http.Header
		withheld []string
	}{
		{400, "text/plain", "<p>" + strings.Repeat("x", 240) + secret + "</p>", nil, []string{"body"}},
		{200, "text/html", "<p>" + strings.Repeat("x", 240) + secret + "</p>", nil, []string{"body"}},
		{401, "application/json", `{"error":"invalid_client","error_description":"bad ` + secret + `"}`,
			http.Header{"Www-Authenticate": {`Basic realm="` + secret + `"`}}, []string{"description", "challenge"}},
		// Far beyond what is kept, an echo is not looked for (nor shown).
		{502, "text/plain", strings.Repeat("z", 100<<10) + secret, nil, nil},
		{400, "application/json", `{"error":"invalid_request","error_description":"` + strings.Repeat("d", 100<<10) + secret + `"}`, nil, nil},
	} {
		c, err := tokenclient.New(tokenclient.Config{
			TokenURL: "https://iam.test/oauth2/token", ClientID: "id", ClientSecret: "s", MaxRetries: 0,
			Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				h := http.Header{"Content-Type": {tc.ct}}
				for k, v := range tc.header {
					h[k] = v
				}
				return &http.Response{StatusCode: tc.status, Header: h, Body: io.NopCloser(strings.NewReader(tc.body)), Request: r}, nil
			}),
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Token(context.Background(), nil)
		var te *tokenclient.Error
		if !errors.As(err, &te) {
			t.Fatalf("HTTP %d: got %v", tc.status, err)
		}
		o := scrub.Output()
		var withheld []string
		for _, f := range []struct {
			name        string
			text        redact.Untrusted
			limit, most int
		}{{"description", te.Description, redact.FieldLimit, 1100}, {"body", te.Body, 256, 300}, {"challenge", te.Challenge, redact.FieldLimit, 1100}} {
			text, w := o.Show(f.text, f.limit)
			if w {
				withheld = append(withheld, f.name)
			}
			if len(text) > f.most {
				t.Errorf("HTTP %d: the %s is shown whole (%d bytes)", tc.status, f.name, len(text))
			}
		}
		slices.Sort(withheld)
		slices.Sort(tc.withheld)
		if !slices.Equal(withheld, tc.withheld) {
			t.Errorf("HTTP %d: withheld %v, want %v", tc.status, withheld, tc.withheld)
		}
		if text := fmt.Sprintf("%+v %s", *te, te.Error()); strings.Contains(text, "SECRET") {
			t.Errorf("HTTP %d: the error formats to the echo: %s", tc.status, text)
		}
	}
}
