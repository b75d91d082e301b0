package tokenclient

import (
	"context"
	"errors"
	"net/url"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// use is what the cache knows of who holds a token it handed out: the
// open consumers that hold it (Hold), whether it was handed to a place that
// outlives them (Keep: Terraform state), whether one of them asked for it
// to be revoked, and whether it was. It is guarded by the client's mutex.
type use struct {
	holders int
	kept    bool
	wanted  bool
	revoked bool
	// outcome is what the revocation came to, once it was sent.
	outcome RevokeOutcome
}

// useOf is t's use, made on first sight; c.mu must be held.
func (c *Client) useOf(t *Token) *use {
	if c.uses == nil {
		c.uses = map[*Token]*use{}
	}
	u := c.uses[t]
	if u == nil {
		u = &use{}
		c.uses[t] = u
	}
	return u
}

// Hold makes Token count the caller as a holder of the token it returns,
// until Release: a token is revoked only once no holder is left. The token
// is taken and counted under one lock, so that it cannot be revoked in
// between.
func Hold() Option { return func(o *options) { o.hold = true } }

// Keep makes Token record that the token it returns is handed to a place
// that outlives the run (Terraform state): it is never revoked. It is
// recorded under the lock that takes the token, so that no Release can
// revoke it in between.
func Keep() Option { return func(o *options) { o.keep = true } }

// RevokeOutcome is what Release did.
type RevokeOutcome string

// The outcomes.
const (
	// RevokeNotAsked: no holder asked for the token to be revoked.
	RevokeNotAsked RevokeOutcome = "not asked"
	// RevokeHeld: another holder still holds it; the last to release it
	// revokes it.
	RevokeHeld RevokeOutcome = "held"
	// RevokeKept: it was kept (Keep), and is never revoked.
	RevokeKept RevokeOutcome = "kept"
	// Revoked: the revocation endpoint accepted the request (RFC 7009 2.2).
	Revoked RevokeOutcome = "revoked"
	// RevokeFailed: the request failed (the error says how); the token is
	// no longer handed out all the same.
	RevokeFailed RevokeOutcome = "failed"
)

// CanRevoke reports whether the client knows a revocation endpoint.
func (c *Client) CanRevoke() bool { return c.revocationURL != nil }

// RevocationURL is the revocation endpoint as it may be shown; empty when
// there is none.
func (c *Client) RevocationURL() string {
	if c.revocationURL == nil {
		return ""
	}
	return redact.ShowURL(c.revocationURL)
}

// Release ends one hold on t (Hold). With revoke, the caller asks for t to
// be revoked: once no holder is left, unless it was kept, the cache drops
// it (so that it is never handed out again) and it is revoked at the
// revocation endpoint (RFC 7009), the client authenticated as at the token
// endpoint. A failure is an *Error whose TokenURL is the revocation
// endpoint. Without a revocation endpoint (CanRevoke) nothing is revoked:
// the caller checks CanRevoke before it asks.
func (c *Client) Release(ctx context.Context, t *Token, revoke bool) (RevokeOutcome, error) {
	c.mu.Lock()
	u := c.useOf(t)
	u.holders = max(u.holders-1, 0)
	u.wanted = u.wanted || revoke && c.revocationURL != nil
	switch {
	case !u.wanted:
		if u.holders == 0 && !u.kept {
			delete(c.uses, t) // nothing more to know of it
		}
		c.mu.Unlock()
		return RevokeNotAsked, nil
	case u.kept:
		c.mu.Unlock()
		return RevokeKept, nil
	case u.holders > 0:
		c.mu.Unlock()
		return RevokeHeld, nil
	case u.revoked:
		outcome := u.outcome
		c.mu.Unlock()
		return outcome, nil
	}
	u.revoked = true
	for k, cached := range c.cache {
		if cached == t {
			delete(c.cache, k)
		}
	}
	c.mu.Unlock()
	err := c.revoke(ctx, t)
	outcome := Revoked
	if err != nil {
		outcome = RevokeFailed
	}
	c.mu.Lock()
	u.outcome = outcome
	c.mu.Unlock()
	return outcome, err
}

// revoke sends t's access token to the revocation endpoint with the hint
// access_token (RFC 7009 2.1). Its Error, made by the token requests'
// constructors, names the revocation endpoint.
func (c *Client) revoke(ctx context.Context, t *Token) error {
	endpoint := c.RevocationURL()
	err := c.revokeAt(ctx, t, endpoint)
	var e *Error
	if errors.As(err, &e) {
		e.Endpoint = endpoint
	}
	return err
}

func (c *Client) revokeAt(ctx context.Context, t *Token, endpoint string) error {
	auth, err := c.authAs(ctx, c.currentStyle(), endpoint)
	if err != nil {
		return err
	}
	fields := map[string]any{"endpoint": endpoint, "client_auth": auth.name()}
	c.debug(ctx, "revoking token", fields)
	req, err := c.post(ctx, c.revocationURL, auth, func(_ context.Context, f url.Values) error {
		f.Set("token", t.AccessToken)
		f.Set("token_type_hint", "access_token")
		return nil
	})
	if err != nil {
		return &Error{Kind: KindConnection, Cause: redact.UntrustedError(err), Err: err}
	}
	resp, body, err := c.roundTrip(ctx, req) //nolint:bodyclose // roundTrip read and closed it
	if err != nil {
		return err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		c.debug(ctx, "token revoked", fields)
		return nil
	}
	r, _, _ := parseResponse(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	e := c.refused(resp, r, body)
	e.Err = errRevocationEndpoint
	fields["status"], fields["error"] = e.StatusCode, e.Code
	c.debug(ctx, "token revocation failed", fields)
	return e
}

var errRevocationEndpoint = errors.New("the revocation endpoint answered with an error")
