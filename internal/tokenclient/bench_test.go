package tokenclient_test

import (
	"context"
	"sync"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// BenchmarkTokenCacheHit is the cost of handing out a cached token.
func BenchmarkTokenCacheHit(b *testing.B) {
	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{Clients: []iamserver.Client{{ID: testID, Secret: testSecret, Scopes: []string{"file:read", "graph:read"}}}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := tokenclient.New(tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: testID, ClientSecret: testSecret, APIVersion: "2026-01-01"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	scopes := []string{"graph:read", "file:read"}
	if _, err := c.Token(ctx, scopes); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Token(ctx, scopes); err != nil {
			b.Fatal(err)
		}
	}
	if n := len(srv.TokenRequests()); n != 1 {
		b.Fatalf("%d token requests, want 1", n)
	}
}

// BenchmarkConcurrentColdStart100 times 100 goroutines asking a fresh
// client for one scope set at once (one token request to a local server
// without added latency). TestConcurrentCallersShareOneRequest asserts
// that it is one request.
func BenchmarkConcurrentColdStart100(b *testing.B) {
	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{Clients: []iamserver.Client{{ID: testID, Secret: testSecret, Scopes: []string{"file:read"}}}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		cfg := tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: testID, ClientSecret: testSecret, APIVersion: "2026-01-01"}
		attempts := countAttempts(&cfg)
		c, err := tokenclient.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.Token(ctx, []string{"file:read"}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		if attempts.count() != 1 {
			b.Fatalf("%d requests, want 1", attempts.count())
		}
	}
}
