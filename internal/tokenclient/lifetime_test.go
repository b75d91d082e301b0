package tokenclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock/clocktest"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// Every shape of expires_in, in every response format, through the client
// as a caller uses it: the rule it gets, the lifetime, the expiry, and
// whether the token is reused.
func TestLifetimeOfEveryResponseShape(t *testing.T) {
	const (
		jsonCT = "application/json"
		formCT = "application/x-www-form-urlencoded"
		textCT = "text/plain"
	)
	year := int64(tokenclient.MaxLifetime / time.Second)
	cases := []struct {
		name, contentType, expiresIn string // expiresIn: the JSON literal or form value; "-" leaves it out
		rule                         tokenclient.LifetimeRule
		seconds                      int64
		unusable                     bool
	}{
		{"JSON number", jsonCT, `599`, tokenclient.LifetimeGiven, 599, false},
		{"JSON string", jsonCT, `"599"`, tokenclient.LifetimeGiven, 599, false},
		// x/oauth2's JSON parser takes a string only when it is a number
		// literal exactly, and an integer within 64 bits.
		{"JSON string with spaces", jsonCT, `" 599 "`, "", 0, true},
		{"JSON beyond int64", jsonCT, `99999999999999999999`, "", 0, true},
		{"JSON absent", jsonCT, `-`, tokenclient.LifetimeAbsent, 0, false},
		{"JSON null", jsonCT, `null`, tokenclient.LifetimeAbsent, 0, false},
		{"JSON zero", jsonCT, `0`, tokenclient.LifetimeZero, 0, false},
		{"JSON negative", jsonCT, `-5`, "", 0, true},
		{"JSON fractional", jsonCT, `3600.5`, "", 0, true},
		{"JSON non-numeric string", jsonCT, `"abc"`, "", 0, true},
		{"JSON boolean", jsonCT, `true`, "", 0, true},
		{"JSON beyond time.Duration", jsonCT, `9223372037`, tokenclient.LifetimeClamped, year, false},
		{"JSON just above a year", jsonCT, fmt.Sprint(year + 1), tokenclient.LifetimeClamped, year, false},
		{"JSON a year", jsonCT, fmt.Sprint(year), tokenclient.LifetimeGiven, year, false},
		{"form", formCT, `599`, tokenclient.LifetimeGiven, 599, false},
		{"form absent", formCT, `-`, tokenclient.LifetimeAbsent, 0, false},
		{"form empty", formCT, ``, tokenclient.LifetimeAbsent, 0, false},
		{"form zero", formCT, `0`, tokenclient.LifetimeZero, 0, false},
		{"form negative", formCT, `-1`, "", 0, true},
		{"form fractional", formCT, `3600.5`, "", 0, true},
		{"form non-numeric", formCT, `abc`, "", 0, true},
		{"form beyond time.Duration", formCT, `9223372037`, tokenclient.LifetimeClamped, year, false},
		{"form beyond int64", formCT, `99999999999999999999`, tokenclient.LifetimeClamped, year, false},
		{"text/plain", textCT, `3600`, tokenclient.LifetimeGiven, 3600, false},
		{"text/plain zero", textCT, `0`, tokenclient.LifetimeZero, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				requests++
				token := fmt.Sprintf("token-%d", requests)
				mu.Unlock()
				w.Header().Set("Content-Type", tc.contentType)
				if tc.contentType == jsonCT {
					body := `{"access_token":"` + token + `","token_type":"Bearer"`
					if tc.expiresIn != "-" {
						body += `,"expires_in":` + tc.expiresIn
					}
					_, _ = fmt.Fprint(w, body+"}")
					return
				}
				v := url.Values{"access_token": {token}, "token_type": {"bearer"}}
				if tc.expiresIn != "-" {
					v.Set("expires_in", tc.expiresIn)
				}
				_, _ = fmt.Fprint(w, v.Encode())
			}))
			t.Cleanup(srv.Close)
			clk := clocktest.New()
			c := newClient(t, tokenclient.Config{TokenURL: srv.URL, Clock: clk})
			start := clk.Now()
			tok, err := c.Token(context.Background(), nil)
			if tc.unusable {
				var te *tokenclient.Error
				if !errors.As(err, &te) || te.Kind != tokenclient.KindResponse {
					t.Fatalf("got %v, %v; want an unusable response", tok, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.Lifetime != tc.rule || tok.ExpiresIn != tc.seconds || tok.HasExpiresIn() != (tc.rule != tokenclient.LifetimeAbsent) {
				t.Errorf("rule %q, %d s (has expires_in %v); want %q, %d s", tok.Lifetime, tok.ExpiresIn, tok.HasExpiresIn(), tc.rule, tc.seconds)
			}
			wantExpiry := time.Time{}
			if tc.seconds > 0 {
				wantExpiry = start.Add(time.Duration(tc.seconds) * time.Second).UTC()
			}
			if !tok.ExpiresAt.Equal(wantExpiry) {
				t.Errorf("expires at %v, want %v", tok.ExpiresAt, wantExpiry)
			}
			again, err := c.Token(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if reused := again.AccessToken == tok.AccessToken; reused == (tc.rule == tokenclient.LifetimeZero) {
				t.Errorf("rule %q: token reused = %v", tc.rule, reused)
			}
		})
	}
}

// min_validity is a guarantee: while the server's tokens live longer than
// it, every token handed over has at least min_validity left, by the
// client's clock, second by second across two lifetimes; and a token is
// still reused until then, so the requests stay few.
func TestMinValidityIsAGuarantee(t *testing.T) {
	for _, tc := range []struct {
		minValidity time.Duration
		requests    int // over 1200 s of 599 s tokens
	}{
		{9 * time.Minute, 21},      // replaced every 59 s
		{5 * time.Minute, 5},       // every 299 s
		{599 * time.Second / 2, 4}, // every 299.5 s
		{time.Minute, 3},           // the default: every 539 s
		{598 * time.Second, 0},     // every second: 1 s of reuse
	} {
		t.Run(tc.minValidity.String(), func(t *testing.T) {
			clk, ctx := clocktest.New(), context.Background()
			srv := startServer(t, iamserver.Options{})
			c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", Clock: clk})
			for second := range 1200 {
				tok, err := c.Token(ctx, nil, tokenclient.MinValidity(tc.minValidity))
				if err != nil {
					t.Fatal(err)
				}
				if left := tok.ExpiresAt.Sub(clk.Now()); left < tc.minValidity {
					t.Fatalf("at %d s a token with %s left was handed over; min_validity %s", second, left, tc.minValidity)
				}
				if tok.ShorterThan(tc.minValidity) {
					t.Fatalf("a 599 s token is taken as shorter than %s", tc.minValidity)
				}
				clk.Advance(time.Second)
			}
			if n := len(srv.TokenRequests()); tc.requests > 0 && n != tc.requests {
				t.Errorf("%d token requests in 1200 s, want %d", n, tc.requests)
			}
		})
	}
}

// When the server's tokens live no longer than min_validity, no token can
// meet it: a fresh one is handed over (ShorterThan tells the caller) and
// shared for the first half of its lifetime, once per scope set, however
// many callers ask at once.
func TestLifetimeShorterThanMinValidity(t *testing.T) {
	clk, ctx := clocktest.New(), context.Background()
	srv := startServer(t, iamserver.Options{TokenLifetime: 60 * time.Second})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", Clock: clk})
	for second := range 120 {
		var wg sync.WaitGroup
		for range 20 { // a wave of consumers
			wg.Go(func() {
				tok, err := c.Token(ctx, []string{"file:read"}, tokenclient.MinValidity(2*time.Minute))
				if err != nil || !tok.ShorterThan(2*time.Minute) {
					t.Errorf("at %d s: %v, %v", second, tok, err)
				}
				if left := tok.ExpiresAt.Sub(clk.Now()); left <= 30*time.Second && second%30 != 0 {
					t.Errorf("at %d s a token with %s of 60 s left was handed over", second, left)
				}
			})
		}
		wg.Wait()
		clk.Advance(time.Second)
	}
	if n := len(srv.TokenRequests()); n != 4 {
		t.Errorf("%d token requests for 120 s of 60 s tokens shared for 30 s, want 4", n)
	}
}

// A refresh token in a client-credentials response (Blynk.Cloud's
// endpoint, seed 003) is never used: the token is renewed with
// client_credentials and the grant's own parameters, never with a
// refresh_token request that would drop them.
func TestRefreshTokensAreNotUsed(t *testing.T) {
	srv := startServer(t, iamserver.Options{RefreshTokens: true})
	clk := clocktest.New()
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", Clock: clk,
		Audience: "https://api.example", ExtraParams: map[string]string{"tenant": "t1"}})
	ctx := context.Background()
	first, err := c.Token(ctx, []string{"file:read"})
	if err != nil {
		t.Fatal(err)
	}
	if first.RefreshToken == "" {
		t.Fatal("the server issued no refresh token")
	}
	clk.Advance(560 * time.Second)
	second, err := c.Token(ctx, []string{"file:read"})
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessToken == first.AccessToken {
		t.Fatal("token not renewed")
	}
	for i, r := range srv.TokenRequests() {
		if r.Form.Get("grant_type") != "client_credentials" || r.Form.Has("refresh_token") ||
			r.Form.Get("audience") != "https://api.example" || r.Form.Get("tenant") != "t1" || r.Form.Get("scope") != "file:read" {
			t.Errorf("request %d: %v", i, r.Form)
		}
	}
}

// auto sends the header first and falls back to the body only when the
// server refuses the client; the style that worked is kept, so later
// tokens cost one request each; a server failure is retried max_retries
// times in one style, not twice over.
func TestAutoLearnsOnce(t *testing.T) {
	bodyOnly := []iamserver.Client{{ID: testID, Secret: testSecret, Scopes: []string{"file:read", "graph:read"},
		SecretMethods: []string{iamserver.MethodSecretPost}}}
	srv := startServer(t, iamserver.Options{Clients: bodyOnly})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", AuthStyle: tokenclient.AuthStyleAuto, MaxRetries: 2})
	for _, scopes := range [][]string{{"file:read"}, {"graph:read"}, nil} {
		if _, err := c.Token(context.Background(), scopes); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range srv.TokenRequests() {
		got = append(got, fmt.Sprintf("%s:%d", r.AuthMethod, r.Status))
	}
	want := []string{":401", iamserver.MethodSecretPost + ":200", iamserver.MethodSecretPost + ":200", iamserver.MethodSecretPost + ":200"}
	if !slices.Equal(got, want) {
		t.Errorf("3 tokens cost %v, want %v", got, want)
	}

	// A persistent 503: 1 + max_retries requests, all in the header.
	srv503 := startServer(t, iamserver.Options{})
	srv503.Script(slices.Repeat([]iamserver.Fault{{Status: 503}}, 10)...)
	c = newClient(t, tokenclient.Config{TokenURL: srv503.TokenURL(), APIVersion: "2026-01-01", AuthStyle: tokenclient.AuthStyleAuto, MaxRetries: 2})
	if _, err := c.Token(context.Background(), nil); err == nil {
		t.Fatal("a persistent 503 gave a token")
	}
	for _, r := range srv503.TokenRequests() {
		if r.Header.Get("Authorization") == "" {
			t.Error("a 503 made auto try the body")
		}
	}
	if n := len(srv503.TokenRequests()); n != 3 {
		t.Errorf("a persistent 503 with max_retries = 2 cost %d requests, want 3", n)
	}
}
