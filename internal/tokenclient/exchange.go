package tokenclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/credfile"
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
// later tokens cost one request. (A fallback after any error would double
// every retry and every timeout.)
func (c *Client) fetch(ctx context.Context, scopes []string) (*Token, error) {
	if c.cfg.AuthStyle != AuthStyleAuto || c.learned.Load() != nil {
		return c.exchangeAs(ctx, scopes, c.currentStyle())
	}
	var t *Token
	var err error
	for i, style := range triedByAuto {
		if i > 0 {
			c.debug(ctx, "the endpoint refused the client; trying the next way auto tries", map[string]any{"endpoint": c.TokenURL(),
				"refused": string(triedByAuto[i-1]), "next": string(style)})
		}
		if t, err = c.exchangeAs(ctx, scopes, style); err == nil {
			c.learned.CompareAndSwap(nil, &style)
			return t, nil
		}
		if !refusedClient(err) {
			return nil, err
		}
	}
	return nil, err
}

// currentStyle is how the client authenticates now: its auth style, or
// for AuthStyleAuto the way it learned (the Basic header until it has).
func (c *Client) currentStyle() AuthStyle {
	if c.cfg.AuthStyle != AuthStyleAuto {
		return c.cfg.AuthStyle
	}
	if learned := c.learned.Load(); learned != nil {
		return *learned
	}
	return triedByAuto[0]
}

// exchangeAs sends one token request, the client authenticated with
// style (authAs).
func (c *Client) exchangeAs(ctx context.Context, scopes []string, style AuthStyle) (*Token, error) {
	auth, err := c.authAs(ctx, style, c.TokenURL())
	if err != nil {
		return nil, err
	}
	return c.exchange(ctx, scopes, auth)
}

// authAs is how a request to endpoint (as it may be shown) authenticates
// the client with style: the client's own way when it has one, else made
// now, with the secret read from its file for this request. Its error is
// an Error: nothing was sent.
func (c *Client) authAs(ctx context.Context, style AuthStyle, endpoint string) (clientAuth, error) {
	if c.auth != nil && style == c.cfg.AuthStyle {
		return c.auth, nil
	}
	secret := c.cfg.ClientSecret
	if c.cfg.ClientSecretFile != "" {
		var err error
		if secret, err = c.readSecret(ctx); err != nil {
			e := c.NotSent(err)
			c.debug(ctx, "request not sent", map[string]any{"endpoint": endpoint, "error_kind": string(e.Kind), "cause": e.Cause})
			return nil, e
		}
		if c.cfg.SensitiveSecret != nil {
			c.cfg.SensitiveSecret(c.cfg.ClientID, secret)
		}
	}
	auth, err := authOf(c.cfg, style, secret)
	if err != nil {
		return nil, c.NotSent(err)
	}
	return auth, nil
}

// SecretFileError: the file of Config.ClientSecretFile could not be read,
// or holds nothing; nothing was sent. It does not name the file: the name
// may be a secret written in the wrong place.
type SecretFileError struct {
	// Empty reports a file that holds nothing (white space at most).
	Empty bool
	Err   error
}

func (e *SecretFileError) Error() string {
	if e.Empty {
		return "the client secret file is empty"
	}
	return "reading the client secret file failed"
}

func (e *SecretFileError) Unwrap() error { return e.Err }

// readSecret reads the client secret from its file (credfile.Read: a
// regular file, bounded, within the request's timeout): one trailing
// newline trimmed (an editor's, a template's), nothing else.
func (c *Client) readSecret(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	b, err := credfile.Read(ctx, c.cfg.ClientSecretFile)
	if err != nil {
		return "", &SecretFileError{Err: err}
	}
	secret := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if strings.TrimSpace(secret) == "" {
		return "", &SecretFileError{Empty: true}
	}
	return secret, nil
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

// exchange sends one token request of the client's grant (with its
// retries), the client authenticated by auth. The request is built here,
// not by a library: the form of every attempt is made afresh (go-retryablehttp
// asks the body function for each), so a signed assertion or a subject
// token is new in every attempt and nothing is swapped into a body.
func (c *Client) exchange(ctx context.Context, scopes []string, auth clientAuth) (*Token, error) {
	clientAuth := auth.name()
	if c.cfg.AuthStyle == AuthStyleAuto {
		clientAuth = string(AuthStyleAuto) + " (" + clientAuth + ")"
	}
	fields := map[string]any{"endpoint": c.TokenURL(), "scopes": strings.Join(scopes, " "), "client_auth": clientAuth, "grant_type": string(c.cfg.GrantType)}
	c.debug(ctx, "requesting token", fields)
	start := c.cfg.Clock.Now()
	var t *Token
	// A DPoP server may refuse a proof without its (new) nonce once, handing
	// the nonce out (RFC 9449 8): the request is made again with it.
	for tries := 1; ; tries++ {
		req, err := c.post(ctx, c.tokenURL, auth, func(_ context.Context, f url.Values) error {
			c.form(scopes, f)
			return nil
		}, c.grant.form)
		nonce := false
		if err == nil {
			t, nonce, err = c.send(ctx, req, scopes, start)
		}
		if err == nil {
			break
		}
		if !nonce || tries == 2 {
			return nil, c.failed(ctx, fields, err)
		}
	}
	fields["granted_scope"] = t.Scope
	fields["expires_at"] = formatExpiry(t.ExpiresAt)
	fields["lifetime"] = string(t.Lifetime)
	fields["duration_ms"] = c.cfg.Clock.Now().Sub(start).Milliseconds()
	c.debug(ctx, "token issued", fields)
	return t, nil
}

// failed logs a token request's failure with its facts, and returns it as
// an Error.
func (c *Client) failed(ctx context.Context, fields map[string]any, err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Kind: KindConnection, Endpoint: c.TokenURL(), Cause: redact.UntrustedError(err), Err: err}
	}
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
	return e
}

// post is a POST of a form to target, the client authenticated by auth:
// its headers, and a form made afresh for every attempt from fields and
// auth's own. go-retryablehttp asks the body function once when the
// request is made (for a length, before any attempt) and once for every
// attempt; the form is made for attempts only, each with its own length.
// What net/http replays of an attempt (a 307 or 308 it then does not
// follow, a request retried on a dead connection) is that attempt's form,
// never a new one.
func (c *Client) post(ctx context.Context, target *url.URL, auth clientAuth, fields ...func(context.Context, url.Values) error) (*retryablehttp.Request, error) {
	var req *retryablehttp.Request
	var sent string
	body := func() (io.Reader, error) {
		if req == nil {
			return strings.NewReader(""), nil
		}
		f := url.Values{}
		for _, apply := range append(fields, auth.form) {
			if err := apply(ctx, f); err != nil {
				return nil, &assertionError{err}
			}
		}
		if c.prover != nil && target == c.tokenURL {
			// A proof of its own for every attempt (its jti is used once).
			proof, err := c.prover.Proof(http.MethodPost, target.String(), "")
			if err != nil {
				return nil, &assertionError{err}
			}
			req.Header.Set("DPoP", proof)
		}
		sent = f.Encode()
		req.ContentLength = int64(len(sent))
		return strings.NewReader(sent), nil
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, target.String(), retryablehttp.ReaderFunc(body))
	if err != nil {
		return nil, err
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(sent)), nil }
	c.headers(req.Header)
	auth.header(req.Header)
	return req, nil
}

// form sets the fields of a token request other than the grant's and the
// client authentication's: scope, audience, resources and the extra
// parameters.
func (c *Client) form(scopes []string, f url.Values) {
	for k, v := range c.cfg.ExtraParams {
		f.Set(k, v)
	}
	if c.cfg.Audience != "" {
		f.Set("audience", c.cfg.Audience)
	}
	for _, r := range c.cfg.Resources {
		f.Add("resource", r)
	}
	if len(scopes) > 0 {
		f.Set("scope", strings.Join(scopes, " "))
	}
}

// headers sets the headers every token request carries.
func (c *Client) headers(h http.Header) {
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Accept", "application/json")
	if c.cfg.APIVersion != "" {
		h.Set("X-Version", c.cfg.APIVersion)
	}
	if c.cfg.UserAgent != "" {
		h.Set("User-Agent", c.cfg.UserAgent)
	}
}

// roundTrip sends req (retrying as httpretry says) and reads the answer,
// at most maxResponse of it; the body is closed. A request that got no
// complete answer is noAnswer's Error.
func (c *Client) roundTrip(ctx context.Context, req *retryablehttp.Request) (*http.Response, []byte, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, c.noAnswer(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, nil, c.noAnswer(ctx, err)
	}
	return resp, body, nil
}

// send sends req, reads the answer and turns it into a token, or into an
// Error with the facts of what happened; nonce reports a DPoP server's
// refusal for the want of the nonce it now handed out.
func (c *Client) send(ctx context.Context, req *retryablehttp.Request, scopes []string, start time.Time) (t *Token, nonce bool, err error) {
	resp, body, err := c.roundTrip(ctx, req) //nolint:bodyclose // roundTrip read and closed it
	if err != nil {
		return nil, false, err
	}
	t, err = c.token(resp, body, scopes, start)
	if c.prover != nil && c.prover.Observe(req.URL.String(), false, resp) {
		// A DPoP server's refusal for the want of the nonce it has just
		// handed out (RFC 9449 8), as the one reading of the answer has it
		// (a JSON or a form-encoded error alike).
		var e *Error
		nonce = errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && e.Code.Is("use_dpop_nonce")
	}
	return t, nonce, err
}

// token reads a token answer.
func (c *Client) token(resp *http.Response, body []byte, scopes []string, start time.Time) (*Token, error) {
	contentType := resp.Header.Get("Content-Type")
	r, oauthErr, err := parseResponse(resp.StatusCode, contentType, body)
	switch {
	case oauthErr:
		return nil, c.refused(resp, r, body)
	case err != nil:
		return nil, c.unusable(resp.StatusCode, contentType, body, err)
	}
	t, err := newToken(r, scopes, start, c.cfg.Clock.Now())
	if err != nil {
		return nil, c.unusable(resp.StatusCode, contentType, body, err)
	}
	return t, nil
}
