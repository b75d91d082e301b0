package tokenclient

import (
	"context"
	"strings"
	"sync"
	"time"
)

// cacheState is the client's token cache: one token per normalised scope
// set, and the requests in flight, so that concurrent callers for the same
// scopes share one request.
//
// The coalescing is written out here rather than taken from
// oauth2.ReuseTokenSource or golang.org/x/sync/singleflight because neither
// gives what a Terraform run needs:
//   - ReuseTokenSource caches one token for one scope set, fetches without a
//     context of its own (the context it was built with, not the caller's),
//     and blocks every caller on its mutex while a fetch runs, so a caller
//     whose RPC was cancelled cannot stop waiting.
//   - singleflight hands every waiter the leader's result. When the leader's
//     own context ends (Terraform cancels one RPC), its waiters would all
//     fail with that cancellation; here a waiter whose context is still
//     alive takes over and fetches itself. The cache check and the
//     in-flight map also need to share one lock.
type cacheState struct {
	mu       sync.Mutex
	cache    map[string]*Token
	inflight map[string]*call
	// uses are the holders of the tokens handed out (revoke.go).
	uses map[*Token]*use
}

type call struct {
	done chan struct{}
	tok  *Token
	err  error
	// leaderGone is set when the fetch failed because the context of the
	// caller that ran it ended, not because of the server.
	leaderGone bool
}

// Option changes one Token call.
type Option func(*options)

type options struct {
	minValidity time.Duration
	reused      *bool
	hold, keep  bool
}

// MinValidity asks for a token with at least d of its lifetime left: a
// cached token with less is replaced by a new request. ReuseMargin when not
// given or not positive.
func MinValidity(d time.Duration) Option { return func(o *options) { o.minValidity = d } }

// Reused makes Token report in *r whether the token it returns was taken
// from the cache (true) or fetched for this call or one it waited for.
func Reused(r *bool) Option { return func(o *options) { o.reused = r } }

// Token returns a token for scopes (nil or empty: the grant's default
// scopes). A cached token for the same normalised scopes is returned while at
// least ReuseMargin (or MinValidity) of its lifetime remains; concurrent
// calls for the same scopes share one request.
func (c *Client) Token(ctx context.Context, scopes []string, opts ...Option) (*Token, error) {
	o := options{minValidity: ReuseMargin}
	for _, opt := range opts {
		opt(&o)
	}
	if o.minValidity <= 0 {
		o.minValidity = ReuseMargin
	}
	scopes = NormalizeScopes(scopes)
	key := strings.Join(scopes, " ")
	for {
		c.mu.Lock()
		if prev := c.cache[key]; prev != nil && c.reusable(prev, o.minValidity) {
			c.claimLocked(prev, o) // a cached token is never a revoked one (Release drops it first)
			c.mu.Unlock()
			if o.reused != nil {
				*o.reused = true
			}
			c.debug(ctx, "using cached token", map[string]any{"scopes": key, "expires_at": formatExpiry(prev.ExpiresAt)})
			return prev, nil
		}
		if cl, ok := c.inflight[key]; ok {
			c.mu.Unlock()
			select {
			case <-cl.done:
				// The leader's own context ended; ours has not: try again.
				if cl.leaderGone && ctx.Err() == nil {
					continue
				}
				if cl.err == nil && !c.claim(cl.tok, o) {
					continue // revoked since it arrived: not to be handed out
				}
				return cl.tok, cl.err
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		cl := &call{done: make(chan struct{})}
		c.inflight[key] = cl
		c.mu.Unlock()

		cl.tok, cl.err = c.fetch(ctx, scopes)
		cl.leaderGone = cl.err != nil && ctx.Err() != nil

		c.mu.Lock()
		delete(c.inflight, key)
		switch {
		case cl.err == nil && cl.tok.reusable():
			c.cache[key] = cl.tok
		case cl.err == nil:
			delete(c.cache, key)
		}
		if cl.err == nil {
			c.claimLocked(cl.tok, o)
		}
		c.mu.Unlock()
		close(cl.done)
		return cl.tok, cl.err
	}
}

// claim hands t to a caller with options o, unless it was revoked: under
// the lock that Release takes, so that a token counted as held (Hold) or
// kept (Keep) cannot be revoked in between.
func (c *Client) claim(t *Token, o options) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if u := c.uses[t]; u != nil && u.revoked {
		return false
	}
	c.claimLocked(t, o)
	return true
}

// claimLocked is claim with c.mu held, for a token known not to be
// revoked.
func (c *Client) claimLocked(t *Token, o options) {
	if !o.hold && !o.keep {
		return
	}
	u := c.useOf(t)
	if o.hold {
		u.holders++
	}
	u.kept = u.kept || o.keep
}

// fresh reports whether t may be handed out again to a caller that wants
// minValidity of its lifetime left.
func (c *Client) reusable(t *Token, minValidity time.Duration) bool {
	return t.ExpiresAt.IsZero() || c.cfg.Clock.Now().Before(t.StaleAt(minValidity))
}
