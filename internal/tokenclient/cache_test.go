package tokenclient_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock/clocktest"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

func TestCacheReusesAndNormalises(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01"})
	ctx := context.Background()
	a, err := c.Token(ctx, []string{"file:read", "graph:read"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Token(ctx, []string{"graph:read", "file:read", "graph:read"})
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessToken != b.AccessToken {
		t.Error("same scope set in another order was not served from the cache")
	}
	if _, err := c.Token(ctx, []string{"file:read"}); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.TokenRequests()); got != 2 {
		t.Errorf("server saw %d requests, want 2 (one per scope set)", got)
	}
}

func TestCacheRefreshesNearExpiry(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	clock := clocktest.New()
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", Clock: clock})
	ctx := context.Background()
	first, err := c.Token(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(530 * time.Second) // 69 s left: still handed out
	again, err := c.Token(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.AccessToken != first.AccessToken {
		t.Error("token with 69 s left was not reused")
	}
	clock.Advance(15 * time.Second) // 54 s left: fetch a new one
	fresh, err := c.Token(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.AccessToken == first.AccessToken {
		t.Error("token with 54 s left was reused")
	}
	if got := len(srv.TokenRequests()); got != 2 {
		t.Errorf("server saw %d requests, want 2", got)
	}
}

// TestConcurrentCallersShareOneRequest is the request-count guarantee: 100
// consumers of one scope set asking at once cost one token request.
func TestConcurrentCallersShareOneRequest(t *testing.T) {
	srv := startServer(t, iamserver.Options{Latency: 50 * time.Millisecond})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01"})
	var wg sync.WaitGroup
	var failures atomic.Int32
	tokens := make([]string, 100)
	start := make(chan struct{})
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tok, err := c.Token(context.Background(), []string{"file:read"})
			if err != nil {
				failures.Add(1)
				return
			}
			tokens[i] = tok.AccessToken
		}()
	}
	close(start)
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d callers failed", failures.Load())
	}
	if got := len(srv.TokenRequests()); got != 1 {
		t.Errorf("100 concurrent callers caused %d token requests, want 1", got)
	}
	for _, tok := range tokens {
		if tok != tokens[0] {
			t.Fatal("callers received different tokens")
		}
	}
}

// A waiter whose leader is cancelled fetches for itself instead of failing.
func TestWaiterSurvivesLeaderCancel(t *testing.T) {
	srv := startServer(t, iamserver.Options{})
	srv.Script(iamserver.Fault{Delay: 5 * time.Second})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01"})
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() { _, err := c.Token(leaderCtx, nil); leaderDone <- err }()
	time.Sleep(100 * time.Millisecond) // the leader's request is in flight
	waiterDone := make(chan error, 1)
	go func() { _, err := c.Token(context.Background(), nil); waiterDone <- err }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-leaderDone; err == nil {
		t.Error("cancelled leader succeeded")
	}
	select {
	case err := <-waiterDone:
		if err != nil {
			t.Errorf("waiter failed: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter did not finish")
	}
}

// MinValidity: a cached token with less left is replaced; without it, the
// 60-second reuse margin applies.
func TestMinValidity(t *testing.T) {
	clk, ctx := clocktest.New(), context.Background()
	srv := startServer(t, iamserver.Options{})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), APIVersion: "2026-01-01", Clock: clk})
	first, err := c.Token(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(400 * time.Second) // 199 s left
	if again, _ := c.Token(ctx, nil); again.AccessToken != first.AccessToken {
		t.Error("the default margin replaced a token with 199 s left")
	}
	if again, _ := c.Token(ctx, nil, tokenclient.MinValidity(180*time.Second)); again.AccessToken != first.AccessToken {
		t.Error("min validity 180 s replaced a token with 199 s left")
	}
	fresh, err := c.Token(ctx, nil, tokenclient.MinValidity(300*time.Second))
	if err != nil || fresh.AccessToken == first.AccessToken {
		t.Fatalf("min validity 300 s kept a token with 199 s left (%v)", err)
	}
	if n := len(srv.TokenRequests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}
