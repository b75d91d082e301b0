package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
)

// AuthStyle says how client credentials are sent to the token endpoint.
type AuthStyle string

// The auth styles the client supports.
const (
	// AuthStyleHeader sends an HTTP Basic Authorization header (RFC 6749
	// 2.3.1), Workiva's preferred method.
	AuthStyleHeader AuthStyle = "header"
	// AuthStyleBody sends the client id and secret as form fields.
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

// Logger receives the client's log events. The client never passes
// credentials or tokens as fields; implementations mask them anyway.
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
	// Redact removes credentials from text taken from an answer (a body
	// that is not a token response) before it is cut to a snippet, so that
	// the cut cannot leave part of one; nil keeps the text as it is.
	Redact func(string) string
	// Clock tells the time (token lifetimes, Retry-After dates); the
	// system clock when nil.
	Clock clock.Clock
}

// String keeps the secret out of any formatting of a Config.
func (c Config) String() string {
	return fmt.Sprintf("tokenclient.Config{TokenURL: %q, ClientID: %q, AuthStyle: %q}", c.TokenURL, c.ClientID, c.AuthStyle)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// ErrNoCertificates is returned by New when CACertPEM holds no certificate.
var ErrNoCertificates = errors.New("the CA certificate PEM holds no usable certificate; give one or more -----BEGIN CERTIFICATE----- blocks")

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
	style, err := oauthStyle(cfg.AuthStyle)
	if err != nil {
		return nil, err
	}
	if cfg.AuthStyle == "" {
		cfg.AuthStyle = AuthStyleHeader
	}
	cfg.Clock = clock.OrSystem(cfg.Clock)
	if cfg.Redact == nil {
		cfg.Redact = func(s string) string { return s }
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	cfg.MaxRetries = max(cfg.MaxRetries, 0)
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.Transport == nil {
		if cfg.Transport, err = defaultTransport(cfg.CACertPEM); err != nil {
			return nil, err
		}
	}
	return &Client{
		cfg: cfg,
		oauth: clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     u.String(),
			AuthStyle:    style,
		},
		http:       newHTTPClient(cfg),
		tokenURL:   u,
		cacheState: cacheState{cache: map[string]*Token{}, inflight: map[string]*call{}},
	}, nil
}

func oauthStyle(s AuthStyle) (oauth2.AuthStyle, error) {
	switch s {
	case AuthStyleHeader, "":
		return oauth2.AuthStyleInHeader, nil
	case AuthStyleBody:
		return oauth2.AuthStyleInParams, nil
	case AuthStyleAuto:
		return oauth2.AuthStyleAutoDetect, nil
	}
	return 0, fmt.Errorf("auth style %q is not one of %s", s, strings.Join(AuthStyles, ", "))
}

// Client fetches and caches tokens. It is safe for concurrent use.
type Client struct {
	cfg      Config
	oauth    clientcredentials.Config
	http     *http.Client
	tokenURL *url.URL

	cacheState
}

// String keeps the secret out of any formatting of a Client.
func (c *Client) String() string { return "tokenclient.Client{" + c.cfg.String() + "}" }

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// TokenURL is the token endpoint the client talks to.
func (c *Client) TokenURL() string { return c.tokenURL.String() }

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
