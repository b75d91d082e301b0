package tokenclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/dpop"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// ReservedParams are the form fields the client sets itself, which
// ExtraParams may not hold: every grant's and every auth style's (their
// specs' fields), and those of every request (Client.form; refresh_token,
// which the client never sends, RFC 6749 4.4.3).
var ReservedParams = func() []string {
	out := []string{"scope", "audience", "resource", "refresh_token"}
	for _, g := range grantTypes {
		out = append(out, g.fields...)
	}
	for _, st := range authStyles {
		out = append(out, st.fields...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}()

// Defaults.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRetries   = 4
	DefaultRetryWaitMin = httpretry.DefaultWaitMin
	DefaultRetryWaitMax = httpretry.DefaultWaitMax
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
	redact.Unprintable
	TokenURL string
	// RevocationURL is the revocation endpoint (RFC 7009), checked as
	// TokenURL is; empty when there is none (Release then revokes nothing).
	RevocationURL string
	ClientID      string
	ClientSecret  string
	// ClientSecretFile names a file that holds the client secret, read for
	// every token request (so that a rotated secret needs no restart) with
	// one trailing newline trimmed, instead of ClientSecret.
	ClientSecretFile string `shown:"ours"`
	AuthStyle        AuthStyle
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
	// LogFields are added to every line the client logs (the grant's name
	// and client id, say).
	LogFields map[string]any
	// Clock tells the time (token lifetimes, Retry-After dates); the
	// system clock when nil.
	Clock clock.Clock
	// DPoP makes every token request carry a DPoP proof (RFC 9449) of the
	// process's key, so that the server binds its tokens to that key; a
	// server's nonce is honoured (use_dpop_nonce). Such tokens are
	// presented with a proof of their own (Client.Prover).
	DPoP bool

	// GrantType is the grant (GrantClientCredentials when empty). For
	// GrantJWTBearer and GrantTokenExchange, Subject returns the token the
	// grant presents (a CI system's OIDC token), asked for every request;
	// SubjectTokenType (TokenTypeJWT when empty) and RequestedTokenType
	// are token_exchange's. The client authenticates only when AuthStyle
	// is not AuthStyleNone, and ClientID may be empty.
	GrantType          GrantType
	Subject            func(ctx context.Context) (string, error)
	SubjectTokenType   string
	RequestedTokenType string

	// Audience, Resources and ExtraParams are more form fields of every
	// token request: audience, one resource each in order
	// (RFC 8707), and others (none of ReservedParams).
	Audience    string
	Resources   []string
	ExtraParams map[string]string

	// AssertionKeyPEM is the private key of AuthStylePrivateKeyJWT;
	// AssertionAlg its algorithm (one of AssertionAlgs; the key's default
	// when empty), AssertionKeyID the kid header, AssertionAudience the aud
	// claim (the token URL when empty).
	AssertionKeyPEM   string
	AssertionAlg      string
	AssertionKeyID    string
	AssertionAudience string
	// Assertion returns the ready-made assertion of AuthStyleClientAssertion
	// (read from a file, fetched from a CI system); it is asked for every
	// request, with the request's context.
	Assertion func(ctx context.Context) (string, error)
	// ClientCertificatePEM and ClientKeyPEM are a client certificate
	// presented in the TLS handshake of every request (default transport).
	ClientCertificatePEM string
	ClientKeyPEM         string
	// Sensitive is told every credential the client derives (each assertion
	// it signs or reads) before it is sent, so that the caller can keep it
	// out of its output; SensitiveSecret every client secret it reads from
	// ClientSecretFile, with the client id (for the secret's Basic forms).
	Sensitive       func(values ...string)
	SensitiveSecret func(clientID, secret string)
}

// Errors of New, for callers to word.
var (
	// ErrNoCertificates: CACertPEM holds no certificate.
	ErrNoCertificates = errors.New("the CA certificate PEM holds no usable certificate; give one or more -----BEGIN CERTIFICATE----- blocks")
	// ErrClientCertificate: the client certificate or its key is missing,
	// unreadable, or they do not match.
	ErrClientCertificate = errors.New("the client certificate and key are not usable")
	// ErrMissingCredential: the auth style needs a credential that is not set.
	ErrMissingCredential = errors.New("the auth style's credential is missing")
	// ErrConflictingCredentials: the client secret is given twice, as a
	// value and as a file.
	ErrConflictingCredentials = errors.New("the client secret is given twice")
	// ErrReservedParam: ExtraParams holds one of ReservedParams.
	ErrReservedParam = errors.New("an extra parameter is a protocol field")
)

// New validates cfg and returns a Client. It does not contact the server.
func New(cfg Config) (*Client, error) {
	u, err := ValidateTokenURL(cfg.TokenURL)
	if err != nil {
		return nil, err
	}
	cfg.TokenURL = u.String()
	var revocation *url.URL
	if cfg.RevocationURL != "" {
		if revocation, err = ValidateRevocationURL(cfg.RevocationURL); err != nil {
			return nil, err
		}
	}
	cfg.GrantType = cmp.Or(cfg.GrantType, GrantClientCredentials)
	if cfg.ClientID == "" && !cfg.GrantType.Federated() {
		return nil, errors.New("client id is empty")
	}
	if cfg.AuthStyle == AuthStyleNone && !cfg.GrantType.Federated() {
		return nil, fmt.Errorf("%w: the %s grant needs client authentication", ErrMissingCredential, cfg.GrantType)
	}
	if _, ok := specOf(cfg.AuthStyle); !ok && cfg.AuthStyle != "" {
		return nil, fmt.Errorf("auth style %q is not one of %s", cfg.AuthStyle, strings.Join(AuthStyles, ", "))
	}
	cfg.AuthStyle = cmp.Or(cfg.AuthStyle, AuthStyleHeader)
	cfg.Clock = clock.OrSystem(cfg.Clock)
	if cfg.Logger != nil && len(cfg.LogFields) > 0 {
		cfg.Logger = fieldsLogger{cfg.Logger, cfg.LogFields}
	}
	auth, err := authFor(cfg)
	if err != nil {
		return nil, err
	}
	g, err := grantFor(cfg)
	if err != nil {
		return nil, err
	}
	for k := range cfg.ExtraParams {
		if slices.Contains(ReservedParams, k) {
			return nil, fmt.Errorf("%w: %q", ErrReservedParam, k)
		}
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
	if (cfg.ClientCertificatePEM == "") != (cfg.ClientKeyPEM == "") {
		return nil, fmt.Errorf("%w: give both the certificate and its key, or neither", ErrClientCertificate)
	}
	if cfg.Transport == nil {
		if cfg.Transport, err = defaultTransport(cfg.CACertPEM, cfg.ClientCertificatePEM, cfg.ClientKeyPEM); err != nil {
			return nil, err
		}
	}
	var prover *dpop.Prover
	if cfg.DPoP {
		if prover, err = dpop.New(cfg.Clock); err != nil {
			return nil, err
		}
	}
	return &Client{
		cfg:           cfg,
		prover:        prover,
		auth:          auth,
		grant:         g,
		http:          newRetryClient(cfg),
		tokenURL:      u,
		revocationURL: revocation,
		cacheState:    cacheState{cache: map[string]*Token{}, inflight: map[string]*call{}},
	}, nil
}

// authFor checks that the auth style's credential is there (Needs) and
// returns how the client authenticates; nil for AuthStyleAuto, whose two
// ways fetch tries, and for a secret read from a file, which each request
// reads (Client.authAs).
func authFor(cfg Config) (clientAuth, error) {
	switch cred := cfg.AuthStyle.Needs(); {
	case cred == CredentialSecret && cfg.ClientSecret != "" && cfg.ClientSecretFile != "":
		return nil, fmt.Errorf("%w: give the client secret or its file, not both", ErrConflictingCredentials)
	case cred == CredentialSecret && cfg.ClientSecretFile != "":
		return nil, nil
	case !cfg.Has(cred):
		return nil, fmt.Errorf("%w: %s needs the client's %s", ErrMissingCredential, cfg.AuthStyle, cred)
	}
	return authOf(cfg, cfg.AuthStyle, cfg.ClientSecret)
}

// authOf is how the client authenticates with style (its spec's auth), the
// secret styles with secret; nil for AuthStyleAuto.
func authOf(cfg Config, style AuthStyle, secret string) (clientAuth, error) {
	if auth := style.spec().auth; auth != nil {
		return auth(cfg, secret)
	}
	return nil, nil
}

// signedAuth authenticates with a JWT assertion signed by key, fresh for
// every attempt: iss and sub the client id, aud the assertion audience
// (the token URL when unset).
func signedAuth(cfg Config, style AuthStyle, key jose.SigningKey) (clientAuth, error) {
	sign, err := signedAssertions(key, cfg.AssertionKeyID, cfg.ClientID, cmp.Or(cfg.AssertionAudience, cfg.TokenURL), cfg.Clock)
	return jwtAssertion{id: cfg.ClientID, style: style, assertion: sign, sensitive: cfg.Sensitive}, err
}

// Client fetches and caches tokens. It is safe for concurrent use.
type Client struct {
	redact.Unprintable
	cfg      Config
	auth     clientAuth // nil for AuthStyleAuto (learned) and a secret file (read per request)
	grant    grant
	http     *retryablehttp.Client
	tokenURL *url.URL
	// prover makes the DPoP proofs of a client with Config.DPoP; nil
	// otherwise.
	prover *dpop.Prover
	// revocationURL is nil when the client knows no revocation endpoint.
	revocationURL *url.URL
	// learned is the way of AuthStyleAuto that worked (AuthStyleHeader or
	// AuthStyleBody); nil until one has.
	learned atomic.Pointer[AuthStyle]

	cacheState
}

// TokenURL is the token endpoint the client talks to, as it may be shown:
// the value of every query parameter masked (redact.ShowURL). Requests
// carry the query as configured.
func (c *Client) TokenURL() string { return redact.ShowURL(c.tokenURL) }

func (c *Client) debug(ctx context.Context, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.Debug(ctx, msg, fields)
	}
}

// fieldsLogger adds fields to every line of a Logger.
type fieldsLogger struct {
	Logger
	extra map[string]any
}

func (l fieldsLogger) with(fields map[string]any) map[string]any {
	out := maps.Clone(l.extra)
	maps.Copy(out, fields)
	return out
}

func (l fieldsLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	l.Logger.Debug(ctx, msg, l.with(fields))
}

func (l fieldsLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	l.Logger.Warn(ctx, msg, l.with(fields))
}
