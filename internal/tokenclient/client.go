// Package tokenclient obtains OAuth2 access tokens with the client-credentials
// grant (RFC 6749 4.4) and caches them per scope set.
//
// The exchange itself is golang.org/x/oauth2/clientcredentials; this package
// adds what a Terraform run needs around it: one cache per client shared by
// every consumer, coalescing of concurrent requests for the same scopes,
// retries with backoff that honours Retry-After (hashicorp/go-retryablehttp),
// no redirects, the Workiva X-Version header, and errors that carry what the
// server said. It has no Terraform types in it.
package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// AuthStyle says how client credentials are sent to the token endpoint.
type AuthStyle string

// The auth styles the client supports.
const (
	// AuthStyleHeader sends an HTTP Basic Authorization header (RFC 6749
	// 2.3.1), Workiva's preferred method.
	AuthStyleHeader AuthStyle = "header"
	// AuthStyleBody sends client_id and client_secret as form fields.
	AuthStyleBody AuthStyle = "body"
	// AuthStyleAuto tries the header first and, when that fails, the body
	// (a wrong secret then costs two requests).
	AuthStyleAuto AuthStyle = "auto"
)

// AuthStyles lists the valid auth styles, default first.
var AuthStyles = []string{string(AuthStyleHeader), string(AuthStyleBody), string(AuthStyleAuto)}

// Defaults.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRetries   = 4
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// MaxRetryAfter caps how long a server's Retry-After can make us wait.
	MaxRetryAfter = 60 * time.Second
	// ReuseMargin is how much lifetime a cached token must have left to be
	// handed out again.
	ReuseMargin = 60 * time.Second
)

// Logger receives the client's log events. Implementations must not log
// secrets; the client never passes credentials or tokens as fields.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client.
type Config struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	AuthStyle    AuthStyle
	// APIVersion is sent as the X-Version header; empty sends none.
	APIVersion string
	// Timeout bounds each HTTP request to the token endpoint (each retry
	// gets its own). DefaultTimeout when zero.
	Timeout time.Duration
	// MaxRetries is the number of retries after the first attempt on 429,
	// 500, 502, 503, 504 and connection errors; zero or negative means none.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between retries;
	// DefaultRetryWaitMin/Max when zero.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Transport is the base transport; a pooled transport that honours
	// HTTPS_PROXY/NO_PROXY when nil.
	Transport http.RoundTripper
	// CACertPEM holds extra PEM certificates to trust besides the system's
	// (a private CA in front of the token endpoint). It applies to the
	// default transport only.
	CACertPEM string
	// UserAgent is sent with every request when set.
	UserAgent string
	Logger    Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Token is an issued access token.
type Token struct {
	AccessToken string
	// RefreshToken is set when the server issued one (RFC 6749 5.1); the
	// cache then renews the token with the refresh_token grant.
	RefreshToken string
	// TokenType is the token_type the server returned.
	TokenType string
	// Scope is the granted scope exactly as the server returned it, or the
	// requested scope (space-joined) when the server returned none.
	Scope string
	// ScopeReturned reports whether the server's response carried scope.
	ScopeReturned bool
	// GrantedScopes is Scope split on spaces.
	GrantedScopes []string
	// RequestedScopes are the normalised scopes that were requested.
	RequestedScopes []string
	// ExpiresIn is expires_in as the server returned it, in seconds;
	// HasExpiresIn is false when the server sent none.
	ExpiresIn    int64
	HasExpiresIn bool
	// ExpiresAt is when the token expires; zero when the server gave no
	// lifetime.
	ExpiresAt time.Time
	// IssuedAt is when the response arrived.
	IssuedAt time.Time
}

// Client fetches and caches tokens. It is safe for concurrent use.
type Client struct {
	cfg    Config
	oauth  clientcredentials.Config
	http   *http.Client
	now    func() time.Time
	tokenU *url.URL

	mu       sync.Mutex
	cache    map[string]*Token
	inflight map[string]*call

	requests atomic.Int64
}

type call struct {
	done chan struct{}
	tok  *Token
	err  error
	// leaderGone is set when the fetch failed because the context of the
	// caller that ran it ended, not because of the server.
	leaderGone bool
}

// New validates cfg and returns a Client. It does not contact the server.
func New(cfg Config) (*Client, error) {
	u, err := ValidateTokenURL(cfg.TokenURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" {
		return nil, errors.New("client id is empty")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("client secret is empty")
	}
	var style oauth2.AuthStyle
	switch cfg.AuthStyle {
	case AuthStyleHeader, "":
		cfg.AuthStyle = AuthStyleHeader
		style = oauth2.AuthStyleInHeader
	case AuthStyleBody:
		style = oauth2.AuthStyleInParams
	case AuthStyleAuto:
		style = oauth2.AuthStyleAutoDetect
	default:
		return nil, fmt.Errorf("auth style %q is not one of %s", cfg.AuthStyle, strings.Join(AuthStyles, ", "))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.Transport == nil {
		t, err := defaultTransport(cfg.CACertPEM)
		if err != nil {
			return nil, err
		}
		cfg.Transport = t
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	c := &Client{
		cfg: cfg,
		oauth: clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     u.String(),
			AuthStyle:    style,
		},
		now:      now,
		tokenU:   u,
		cache:    map[string]*Token{},
		inflight: map[string]*call{},
	}
	c.http = newHTTPClient(cfg, &c.requests)
	return c, nil
}

// TokenURL is the token endpoint the client talks to.
func (c *Client) TokenURL() string { return c.tokenU.String() }

// Requests is the number of HTTP requests sent to the token endpoint,
// retries included.
func (c *Client) Requests() int64 { return c.requests.Load() }

// Token returns a token for scopes (nil or empty: the grant's default
// scopes). A cached token for the same normalised scopes is returned while at
// least ReuseMargin of its lifetime remains; concurrent calls for the same
// scopes share one request.
func (c *Client) Token(ctx context.Context, scopes []string) (*Token, error) {
	scopes = NormalizeScopes(scopes)
	key := strings.Join(scopes, " ")
	for {
		c.mu.Lock()
		prev := c.cache[key]
		if prev != nil && c.fresh(prev) {
			t := prev
			c.mu.Unlock()
			if c.cfg.Logger != nil {
				c.debug(ctx, "using cached token", map[string]any{"scopes": key, "expires_at": formatExpiry(t.ExpiresAt)})
			}
			return t, nil
		}
		if cl, ok := c.inflight[key]; ok {
			c.mu.Unlock()
			select {
			case <-cl.done:
				// The leader's own context ended; ours has not: try again.
				if cl.leaderGone && ctx.Err() == nil {
					continue
				}
				return cl.tok, cl.err
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		cl := &call{done: make(chan struct{})}
		c.inflight[key] = cl
		c.mu.Unlock()

		cl.tok, cl.err = c.fetch(ctx, scopes, prev)
		cl.leaderGone = cl.err != nil && ctx.Err() != nil

		c.mu.Lock()
		delete(c.inflight, key)
		if cl.err == nil {
			c.cache[key] = cl.tok
		}
		c.mu.Unlock()
		close(cl.done)
		return cl.tok, cl.err
	}
}

// fresh reports whether t may be handed out again.
func (c *Client) fresh(t *Token) bool {
	return t.ExpiresAt.IsZero() || c.now().Before(t.StaleAt())
}

// StaleAt is when the token stops being handed out: ReuseMargin before it
// expires, or half its lifetime before for tokens that live no longer than
// two margins (so that a 60-second token is still shared for 30 seconds).
// It is zero for a token without expiry.
func (t *Token) StaleAt() time.Time {
	if t.ExpiresAt.IsZero() {
		return time.Time{}
	}
	margin := ReuseMargin
	if life := t.ExpiresAt.Sub(t.IssuedAt); life <= 2*ReuseMargin {
		margin = life / 2
	}
	return t.ExpiresAt.Add(-margin)
}

// fetch gets a new token for scopes. When prev carries a refresh token it
// first tries the refresh_token grant (RFC 6749 6) and falls back to client
// credentials if the server refuses it.
func (c *Client) fetch(ctx context.Context, scopes []string, prev *Token) (*Token, error) {
	if prev != nil && prev.RefreshToken != "" {
		t, err := c.exchange(ctx, scopes, prev.RefreshToken)
		if err == nil {
			return t, nil
		}
		var te *Error
		if errors.As(err, &te) && te.Kind == KindCanceled {
			return nil, err
		}
		c.warn(ctx, "refresh_token grant failed; falling back to client credentials", map[string]any{"token_url": c.TokenURL(), "error": errString(err)})
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
	fields := map[string]any{"token_url": c.TokenURL(), "scopes": strings.Join(scopes, " "), "auth_style": string(c.cfg.AuthStyle), "grant_type": grant}
	c.debug(ctx, "requesting token", fields)
	start := c.now()
	info := &responseInfo{}
	hctx := context.WithValue(context.WithValue(ctx, oauth2.HTTPClient, c.http), responseInfoKey{}, info)
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
		t, err = c.convert(ot, scopes, start)
	}
	if err != nil {
		e := c.wrapError(ctx, err, info)
		fields["error"] = e.Summary()
		c.debug(ctx, "token request failed", fields)
		return nil, e
	}
	fields["granted_scope"] = t.Scope
	fields["expires_at"] = formatExpiry(t.ExpiresAt)
	fields["refresh_token_issued"] = t.RefreshToken != ""
	fields["duration_ms"] = c.now().Sub(start).Milliseconds()
	c.debug(ctx, "token issued", fields)
	return t, nil
}

// errBadExpiresIn marks a token response whose expires_in is unusable.
var errBadExpiresIn = errors.New("unusable expires_in")

func (c *Client) convert(ot *oauth2.Token, requested []string, start time.Time) (*Token, error) {
	t := &Token{
		AccessToken:     ot.AccessToken,
		TokenType:       ot.TokenType,
		RefreshToken:    ot.RefreshToken,
		RequestedScopes: requested,
		IssuedAt:        c.now(),
	}
	if s, ok := ot.Extra("scope").(string); ok {
		t.Scope, t.ScopeReturned = s, true
	} else {
		// RFC 6749 5.1: no scope in the response means the requested scope.
		t.Scope = strings.Join(requested, " ")
	}
	t.GrantedScopes = SplitScope(t.Scope)
	// x/oauth2 has already rejected expires_in values that are not integers
	// (as JSON numbers or strings); read the value as sent.
	switch v := ot.Extra("expires_in").(type) {
	case float64:
		t.ExpiresIn, t.HasExpiresIn = int64(v), true
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			t.ExpiresIn, t.HasExpiresIn = n, true
		}
	}
	if t.HasExpiresIn && t.ExpiresIn < 0 {
		return nil, fmt.Errorf("%w: the token response gives expires_in %d; a lifetime cannot be negative", errBadExpiresIn, t.ExpiresIn)
	}
	if t.HasExpiresIn && t.ExpiresIn > 0 {
		// Count the lifetime from when the request was sent, so that the
		// expiry we report is never later than the server's.
		t.ExpiresAt = start.Add(time.Duration(t.ExpiresIn) * time.Second).UTC()
	}
	return t, nil
}

func (c *Client) debug(ctx context.Context, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.Debug(ctx, msg, fields)
	}
}

func (c *Client) warn(ctx context.Context, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.Warn(ctx, msg, fields)
	}
}

func formatExpiry(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
