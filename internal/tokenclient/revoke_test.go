package tokenclient_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// A token is revoked once its last holder releases it, if one asked; the
// cache never hands it out again; a kept token is never revoked.
func TestReleaseRevokesAfterTheLastHolder(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{}})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), RevocationURL: srv.RevokeURL()})
	ctx := context.Background()
	a, err := c.Token(ctx, []string{"file:read"}, tokenclient.Hold())
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Token(ctx, []string{"file:read"}, tokenclient.Hold())
	if err != nil || b != a {
		t.Fatalf("second holder got another token (%v)", err)
	}
	if out, err := c.Release(ctx, a, true); out != tokenclient.RevokeHeld || err != nil {
		t.Fatalf("first release: %s, %v; want held", out, err)
	}
	if out, err := c.Release(ctx, b, false); out != tokenclient.Revoked || err != nil {
		t.Fatalf("last release: %s, %v; want revoked", out, err)
	}
	if got := srv.Revoked(); len(got) != 1 || got[0] != a.AccessToken {
		t.Fatalf("server revoked %d tokens", len(got))
	}
	next, err := c.Token(ctx, []string{"file:read"}, tokenclient.Keep())
	if err != nil || next.AccessToken == a.AccessToken {
		t.Fatalf("the cache handed out the revoked token again (%v)", err)
	}
	held, _ := c.Token(ctx, []string{"file:read"}, tokenclient.Hold())
	if out, _ := c.Release(ctx, held, true); out != tokenclient.RevokeKept {
		t.Errorf("a kept token: %s; want kept", out)
	}
	if n := len(srv.RevokeRequests()); n != 1 {
		t.Errorf("%d revocation requests; want 1", n)
	}
}

// The revocation request authenticates as the token requests do: with
// AuthStyleAuto, the style it learned.
func TestRevokeAuthenticatesAsLearned(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{},
		Clients: []iamserver.Client{{ID: testID, Secret: testSecret, Scopes: []string{"file:read"}, SecretMethods: []string{iamserver.MethodSecretPost}}}})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), RevocationURL: srv.RevokeURL(), AuthStyle: tokenclient.AuthStyleAuto})
	ctx := context.Background()
	tok, err := c.Token(ctx, nil, tokenclient.Hold())
	if err != nil {
		t.Fatal(err)
	}
	if out, err := c.Release(ctx, tok, true); out != tokenclient.Revoked || err != nil {
		t.Fatalf("release: %s, %v", out, err)
	}
	if r := srv.RevokeRequests(); len(r) != 1 || r[0].AuthMethod != iamserver.MethodSecretPost {
		t.Fatalf("revocation requests: %+v", r)
	}
}

// A data source's token is kept from the moment it is handed over (Keep
// is an option of Token, taken under the cache's lock, so that no Release
// can come in between): an ephemeral holder of the same token that closes
// with revoke_on_close then does not revoke it (the review's sequence,
// which revoked it while Keep was a call of its own after Token).
func TestKeepIsAtomicWithTheHandOver(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{}})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), RevocationURL: srv.RevokeURL()})
	ctx := context.Background()
	eph, err := c.Token(ctx, []string{"file:read"}, tokenclient.Hold())
	if err != nil {
		t.Fatal(err)
	}
	ds, err := c.Token(ctx, []string{"file:read"}, tokenclient.Keep())
	if err != nil || ds != eph {
		t.Fatalf("the data source got another token (%v)", err)
	}
	if out, _ := c.Release(ctx, eph, true); out != tokenclient.RevokeKept || len(srv.RevokeRequests()) != 0 {
		t.Fatalf("outcome %s, %d revocation requests; want kept and none", out, len(srv.RevokeRequests()))
	}
}

// Many holders of one scope set take, release and revoke at once: under the
// race detector, every release succeeds, every token handed out is
// revoked exactly once, and none is revoked while it is held (a holder
// checks that the server has not revoked the token it holds).
func TestHoldAndReleaseUnderLoad(t *testing.T) {
	srv := startServer(t, iamserver.Options{Discovery: &iamserver.Discovery{}})
	c := newClient(t, tokenclient.Config{TokenURL: srv.TokenURL(), RevocationURL: srv.RevokeURL()})
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var handed []string
	for range 40 {
		wg.Go(func() {
			tok, err := c.Token(ctx, []string{"file:read"}, tokenclient.Hold())
			if err != nil {
				t.Error(err)
				return
			}
			if slices.Contains(srv.Revoked(), tok.AccessToken) {
				t.Errorf("a token was revoked while it was held")
			}
			mu.Lock()
			handed = append(handed, tok.AccessToken)
			mu.Unlock()
			if _, err := c.Release(ctx, tok, true); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	distinct := map[string]bool{}
	for _, tok := range handed {
		distinct[tok] = true
	}
	revoked := srv.Revoked()
	if len(handed) != 40 || len(revoked) != len(distinct) || len(srv.RevokeRequests()) != len(distinct) {
		t.Fatalf("%d handed out (%d distinct), %d revoked in %d requests", len(handed), len(distinct), len(revoked), len(srv.RevokeRequests()))
	}
}
