package tokenclient

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// fetch gets a new token for scopes with the client's grant.
//
// A refresh token in a response (RFC 6749 4.4.3 says client-credentials
// responses SHOULD NOT carry one; Blynk.Cloud's do) is never used: the
// client can always authenticate itself, and a refresh_token request would
// drop the grant's audience, resources and extra parameters, so that a
// server could issue the new token for another audience or tenant.
//
// With AuthStyleAuto the client sends the credentials in a Basic header
// and, only when the server refuses the client (refusedClient), once more
// in the body; the style that works is kept for the life of the client, so
// later tokens cost one request. (x/oauth2's own memory of the style lives
// in the clientcredentials.Config value and is lost when the value is
// copied; its fallback also follows any error, which would double every
// retry and every timeout.)
func (c *Client) fetch(ctx context.Context, scopes []string) (*Token, error) {
	if c.cfg.AuthStyle != AuthStyleAuto {
		return c.exchange(ctx, scopes, c.oauth.AuthStyle)
	}
	if learned := oauth2.AuthStyle(c.learnedStyle.Load()); learned != oauth2.AuthStyleAutoDetect {
		return c.exchange(ctx, scopes, learned)
	}
	t, err := c.exchange(ctx, scopes, oauth2.AuthStyleInHeader)
	if err == nil {
		c.learnedStyle.CompareAndSwap(int32(oauth2.AuthStyleAutoDetect), int32(oauth2.AuthStyleInHeader))
		return t, nil
	}
	if !refusedClient(err) {
		return nil, err
	}
	c.debug(ctx, "the endpoint refused the credentials in the Authorization header; trying them in the body", map[string]any{"endpoint": c.TokenURL()})
	t, err = c.exchange(ctx, scopes, oauth2.AuthStyleInParams)
	if err == nil {
		c.learnedStyle.Store(int32(oauth2.AuthStyleInParams))
	}
	return t, err
}

// refusedClient reports whether a token request failed because the server
// did not accept the client's authentication: HTTP 401, or HTTP 400 with
// invalid_client, unauthorized_client, invalid_request (Google's answer to
// a Basic header) or no OAuth2 error code.
func refusedClient(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindServer {
		return false
	}
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return true
	case http.StatusBadRequest:
		return e.Code.IsZero() || e.Code.Is("invalid_client") || e.Code.Is("unauthorized_client") || e.Code.Is("invalid_request")
	}
	return false
}

// styleNames names x/oauth2's auth styles in the log.
var styleNames = map[oauth2.AuthStyle]string{oauth2.AuthStyleInHeader: "header", oauth2.AuthStyleInParams: "body"}

// exchange sends one token request of the client's grant (with its retries),
// the client's credentials sent in the given style.
func (c *Client) exchange(ctx context.Context, scopes []string, style oauth2.AuthStyle) (*Token, error) {
	clientAuth := string(c.cfg.AuthStyle)
	if c.cfg.AuthStyle == AuthStyleAuto {
		clientAuth += " (" + styleNames[style] + ")"
	}
	fields := map[string]any{"endpoint": c.TokenURL(), "scopes": strings.Join(scopes, " "), "client_auth": clientAuth, "grant_type": string(c.cfg.GrantType)}
	c.debug(ctx, "requesting token", fields)
	start := c.cfg.Clock.Now()
	seen := &exchangeRecord{}
	hctx := context.WithValue(context.WithValue(ctx, oauth2.HTTPClient, c.http), exchangeRecordKey{}, seen)
	// The style is always explicit, so no copy of the config relies on
	// x/oauth2's per-value memory of it.
	cfg := c.oauth
	cfg.Scopes, cfg.AuthStyle = scopes, style
	ot, err := cfg.Token(hctx)
	var t *Token
	if err == nil {
		t, err = newToken(ot, scopes, start, c.cfg.Clock.Now())
	}
	if err != nil {
		e := c.classify(ctx, err, seen)
		// The facts, each as a field; the logger shows what the server or
		// the transport said through redact.Output.
		fields["error_kind"], fields["status"] = string(e.Kind), e.StatusCode
		for k, v := range map[string]redact.Untrusted{"error": e.Code, "error_description": e.Description,
			"error_uri": e.URI, "content_type": e.ContentType, "body": e.Body, "location": e.Location,
			"challenge": e.Challenge, "cause": e.Cause} {
			if !v.IsZero() {
				fields[k] = v
			}
		}
		c.debug(ctx, "token request failed", fields)
		return nil, e
	}
	fields["granted_scope"] = t.Scope
	fields["expires_at"] = formatExpiry(t.ExpiresAt)
	fields["lifetime"] = string(t.Lifetime)
	fields["duration_ms"] = c.cfg.Clock.Now().Sub(start).Milliseconds()
	c.debug(ctx, "token issued", fields)
	return t, nil
}
