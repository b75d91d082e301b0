package tokenclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

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
		if tok.HasExpiresIn() && tok.ExpiresIn < 0 {
			t.Fatalf("negative expires_in %d accepted", tok.ExpiresIn)
		}
		if want := tok.HasExpiresIn() && tok.ExpiresIn > 0; tok.ExpiresAt.IsZero() == want {
			t.Fatalf("expires_at %v inconsistent with expires_in %d (%v)", tok.ExpiresAt, tok.ExpiresIn, tok.HasExpiresIn())
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
