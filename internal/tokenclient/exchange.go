package tokenclient

import (
	"context"
	"errors"
	"strings"

	"golang.org/x/oauth2"
)

// fetch gets a new token for scopes. When prev carries a refresh token it
// first tries the refresh_token grant (RFC 6749 6) and falls back to client
// credentials if the server refuses it.
func (c *Client) fetch(ctx context.Context, scopes []string, prev *Token) (*Token, error) {
	if prev != nil && prev.RefreshToken != "" && c.cfg.AuthStyle.usesSecret() {
		t, err := c.exchange(ctx, scopes, prev.RefreshToken)
		if err == nil {
			return t, nil
		}
		var te *Error
		if errors.As(err, &te) && te.Kind == KindCanceled {
			return nil, err
		}
		c.warn(ctx, "refresh_token grant failed; falling back to client credentials", map[string]any{"endpoint": c.TokenURL(), "error": err.Error()})
	}
	return c.exchange(ctx, scopes, "")
}

// exchange sends one token request (with its retries): the
// client_credentials grant, or the refresh_token grant when refreshToken is
// set.
func (c *Client) exchange(ctx context.Context, scopes []string, refreshToken string) (*Token, error) {
	grant := "client_credentials"
	if refreshToken != "" {
		grant = "refresh_token"
	}
	fields := map[string]any{"endpoint": c.TokenURL(), "scopes": strings.Join(scopes, " "), "client_auth": string(c.cfg.AuthStyle), "grant_type": grant}
	c.debug(ctx, "requesting token", fields)
	start := c.cfg.Clock.Now()
	seen := &exchangeRecord{}
	hctx := context.WithValue(context.WithValue(ctx, oauth2.HTTPClient, c.http), exchangeRecordKey{}, seen)
	var ot *oauth2.Token
	var err error
	if refreshToken != "" {
		conf := oauth2.Config{ClientID: c.oauth.ClientID, ClientSecret: c.oauth.ClientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: c.oauth.TokenURL, AuthStyle: c.oauth.AuthStyle}}
		ot, err = conf.TokenSource(hctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	} else {
		cfg := c.oauth
		cfg.Scopes = scopes
		ot, err = cfg.Token(hctx)
	}
	var t *Token
	if err == nil {
		t, err = newToken(ot, scopes, start, c.cfg.Clock.Now())
	}
	if err != nil {
		e := c.classify(ctx, err, seen)
		fields["error"] = e.Error()
		c.debug(ctx, "token request failed", fields)
		return nil, e
	}
	fields["granted_scope"] = t.Scope
	fields["expires_at"] = formatExpiry(t.ExpiresAt)
	fields["refresh_token_issued"] = t.RefreshToken != ""
	fields["duration_ms"] = c.cfg.Clock.Now().Sub(start).Milliseconds()
	c.debug(ctx, "token issued", fields)
	return t, nil
}
