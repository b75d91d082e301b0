package tokenclient

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// Metadata is what an authorization server says of itself (RFC 8414 2,
// OpenID Connect Discovery 1.0 section 3), as far as a client of the token
// endpoint needs it. Every URL in it was checked as a token URL is
// (ValidateTokenURL) and is at most maxMetadataURL long.
type Metadata struct {
	// Issuer is the issuer the document states, identical to the one asked
	// for (RFC 8414 3.3).
	Issuer string `shown:"ours"`
	// TokenEndpoint and RevocationEndpoint (RFC 7009; empty when the server
	// states none) are the endpoints, and MTLSTokenEndpoint and
	// MTLSRevocationEndpoint their aliases for clients that present a
	// certificate (RFC 8705 section 5), empty when there are none.
	TokenEndpoint          string `shown:"ours"`
	RevocationEndpoint     string `shown:"ours"`
	MTLSTokenEndpoint      string `shown:"ours"`
	MTLSRevocationEndpoint string `shown:"ours"`
	// AuthMethods is token_endpoint_auth_methods_supported, space-separated
	// as the server listed them; zero when the document has none, which RFC
	// 8414 2 reads as client_secret_basic.
	AuthMethods redact.Untrusted
	methods     []string
}

// Endpoints are the token and revocation endpoints a client uses: the mTLS
// aliases when it presents a certificate and the server has them.
func (m *Metadata) Endpoints(certificate bool) (token, revocation string) {
	token, revocation = m.TokenEndpoint, m.RevocationEndpoint
	if certificate && m.MTLSTokenEndpoint != "" {
		token = m.MTLSTokenEndpoint
	}
	if certificate && m.MTLSRevocationEndpoint != "" {
		revocation = m.MTLSRevocationEndpoint
	}
	return token, revocation
}

// Supports reports whether the server lists the auth style's method (RFC
// 8414 2; a document without the list supports client_secret_basic only).
// AuthStyleAuto is supported when either secret method is.
func (m *Metadata) Supports(style AuthStyle) bool {
	methods := m.methods
	if methods == nil {
		methods = []string{"client_secret_basic"}
	}
	return slices.ContainsFunc(style.spec().methods, func(method string) bool { return slices.Contains(methods, method) })
}

// ChooseStyle is the auth style for a client that holds cred when the
// user chose none: the first style in the client's order of preference
// (authStyles) that authenticates with cred, is not AuthStyleAuto (which
// is its tried styles) and that the server lists, among only those of
// among when it is given (AuthStyleAuto's two). ok is false when the
// server lists none of them.
func (m *Metadata) ChooseStyle(cred Credential, among ...AuthStyle) (style AuthStyle, ok bool) {
	for _, s := range authStyles {
		if s.needs == cred && s.style != AuthStyleAuto && m.Supports(s.style) && (len(among) == 0 || slices.Contains(among, s.style)) {
			return s.style, true
		}
	}
	return "", false
}

// MethodsFor are the token endpoint authentication methods (RFC 8414 2) by
// which a credential can be sent, in the order ChooseStyle prefers them.
func MethodsFor(cred Credential) []string {
	var out []string
	for _, s := range authStyles {
		for _, m := range s.methods {
			if s.needs == cred && !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// DiscoveryConfig configures Discover.
type DiscoveryConfig struct {
	Issuer string
	// Transport, Timeout, MaxRetries, Clock, CACertPEM, UserAgent and
	// Logger are as in Config: the metadata request follows the token
	// requests' rules.
	Transport  http.RoundTripper
	Timeout    time.Duration
	MaxRetries int
	Clock      clock.Clock
	CACertPEM  string
	UserAgent  string
	Logger     Logger
}

// The bounds of a metadata document and of each URL in it.
const (
	maxMetadata    = 1 << 20
	maxMetadataURL = 2048
)

// Discover fetches the metadata of an issuer: from the RFC 8414 well-known
// URL (path-inserted for an issuer with a path, RFC 8414 3.1), then, when
// that gives no usable document, from OpenID Connect Discovery's. Each
// request follows the token requests' rules: https except to loopback, no
// redirects, retries by httpretry, bounded. The document's issuer must be
// identical to the one asked for (RFC 8414 3.3) and its endpoints
// acceptable token URLs, or it is not used. A failure is a *DiscoveryError.
func Discover(ctx context.Context, cfg DiscoveryConfig) (*Metadata, error) {
	u, err := ValidateIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	if cfg.Transport == nil {
		if cfg.Transport, err = defaultTransport(cfg.CACertPEM, "", ""); err != nil {
			return nil, err
		}
	}
	rc := httpretry.New(httpretry.Options{Transport: cfg.Transport, Timeout: cmp.Or(max(cfg.Timeout, 0), DefaultTimeout),
		MaxRetries: max(cfg.MaxRetries, 0), Clock: clock.OrSystem(cfg.Clock)})
	derr := &DiscoveryError{Issuer: redact.ShowURL(u)}
	for _, doc := range WellKnownURLs(u) {
		md, attempt := fetchMetadata(ctx, rc, cfg, doc)
		if attempt == nil {
			md.Issuer = cfg.Issuer
			if cfg.Logger != nil {
				cfg.Logger.Debug(ctx, "issuer metadata read", map[string]any{"issuer": derr.Issuer, "source": redact.ShowURL(doc),
					"token_endpoint": md.TokenEndpoint, "revocation_endpoint": md.RevocationEndpoint, "auth_methods": md.AuthMethods})
			}
			return md, nil
		}
		derr.Attempts = append(derr.Attempts, *attempt)
		if cfg.Logger != nil {
			cfg.Logger.Debug(ctx, "no usable issuer metadata", map[string]any{"url": attempt.URL, "problem": string(attempt.Problem),
				"status": attempt.StatusCode, "cause": attempt.Cause})
		}
		// No answer at all: the other well-known URL is on the same host.
		if attempt.Problem == ProblemNoAnswer || ctx.Err() != nil {
			break
		}
	}
	return nil, derr
}

// WellKnownURLs are where the metadata of issuer u is looked for, in
// order: RFC 8414's, with "/.well-known/oauth-authorization-server"
// inserted between the host and the path (the path's terminating "/"
// removed), and OpenID Connect Discovery's, the issuer with
// "/.well-known/openid-configuration" appended (its terminating "/"
// removed).
func WellKnownURLs(u *url.URL) []*url.URL {
	const oauthSuffix, oidcSuffix = "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"
	p, raw := strings.TrimSuffix(u.Path, "/"), strings.TrimSuffix(u.EscapedPath(), "/")
	oauth, oidc := *u, *u
	oauth.Path, oauth.RawPath = oauthSuffix+p, oauthSuffix+raw
	oidc.Path, oidc.RawPath = p+oidcSuffix, raw+oidcSuffix
	return []*url.URL{&oauth, &oidc}
}

// ValidateIssuer checks an issuer identifier: a URL as a token URL must be
// (https except to loopback, no user info), with no query and no fragment
// (RFC 8414 2).
func ValidateIssuer(raw string) (*url.URL, error) {
	u, err := validateEndpoint(raw, "the issuer")
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, credentialURLError{"the issuer has a query (?...), which RFC 8414 section 2 does not allow", nil}
	}
	return u, nil
}

// MetadataProblem says why a well-known URL gave no usable metadata.
type MetadataProblem string

// The problems.
const (
	// ProblemNoAnswer: no answer (Cause says why).
	ProblemNoAnswer MetadataProblem = "no answer"
	// ProblemStatus: an answer other than 200 (StatusCode, Body).
	ProblemStatus MetadataProblem = "status"
	// ProblemNotJSON: a 200 answer that is not a JSON object.
	ProblemNotJSON MetadataProblem = "not json"
	// ProblemOtherIssuer: the document states another issuer
	// (StatedIssuer).
	ProblemOtherIssuer MetadataProblem = "other issuer"
	// ProblemEndpoint: the document has no token_endpoint, or an endpoint
	// that is no acceptable token URL (Field, Cause).
	ProblemEndpoint MetadataProblem = "endpoint"
)

// DiscoveryError is an issuer whose metadata could not be had: one attempt
// per well-known URL tried. Nothing was sent to a token endpoint.
type DiscoveryError struct {
	// Issuer is the issuer as it may be shown.
	Issuer   string `shown:"ours"`
	Attempts []MetadataAttempt
}

func (e *DiscoveryError) Error() string {
	return "no usable metadata for the issuer " + e.Issuer
}

// MetadataAttempt is one well-known URL that gave no usable metadata.
type MetadataAttempt struct {
	URL     string `shown:"ours"`
	Problem MetadataProblem
	// StatusCode is the answer's status; zero when there was none.
	StatusCode  int
	ContentType redact.Untrusted
	Body        redact.Untrusted
	// StatedIssuer is the issuer the document states (ProblemOtherIssuer).
	StatedIssuer redact.Untrusted
	// Field is the member at fault (ProblemEndpoint).
	Field string `shown:"ours"`
	// Cause is the transport's words (ProblemNoAnswer) or the check's
	// (ProblemEndpoint, ProblemNotJSON). Every request is a GET.
	Cause redact.Untrusted
	// Timeout reports no answer within the request timeout.
	Timeout bool
}

// metadataDocument is the part of a metadata document the client reads.
type metadataDocument struct {
	Issuer             *string  `json:"issuer"`
	TokenEndpoint      string   `json:"token_endpoint"`
	RevocationEndpoint string   `json:"revocation_endpoint"`
	AuthMethods        []string `json:"token_endpoint_auth_methods_supported"`
	MTLSAliases        struct {
		TokenEndpoint      string `json:"token_endpoint"`
		RevocationEndpoint string `json:"revocation_endpoint"`
	} `json:"mtls_endpoint_aliases"`
}

func fetchMetadata(ctx context.Context, rc *retryablehttp.Client, cfg DiscoveryConfig, doc *url.URL) (*Metadata, *MetadataAttempt) {
	a := &MetadataAttempt{URL: redact.ShowURL(doc)}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, doc.String(), nil)
	if err != nil {
		a.Problem, a.Cause = ProblemNoAnswer, redact.UntrustedError(err)
		return nil, a
	}
	req.Header.Set("Accept", "application/json")
	if cfg.UserAgent != "" {
		req.Header.Set("User-Agent", cfg.UserAgent)
	}
	resp, err := rc.Do(req)
	if err != nil {
		a.Problem = ProblemNoAnswer
		_, a.Cause = transportCause(err)
		a.Timeout = isTimeout(err)
		return nil, a
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadata))
	a.StatusCode, a.ContentType = resp.StatusCode, redact.UntrustedText(resp.Header.Get("Content-Type"))
	if err != nil {
		a.Problem = ProblemNoAnswer
		_, a.Cause = transportCause(err)
		return nil, a
	}
	if resp.StatusCode != http.StatusOK {
		a.Problem, a.Body = ProblemStatus, redact.UntrustedBytes(body)
		return nil, a
	}
	var d metadataDocument
	if err := json.Unmarshal(body, &d); err != nil {
		a.Problem, a.Body = ProblemNotJSON, redact.UntrustedBytes(body)
		a.Cause = redact.UntrustedText("the answer is not a JSON metadata document")
		return nil, a
	}
	if d.Issuer == nil || *d.Issuer != cfg.Issuer {
		a.Problem = ProblemOtherIssuer
		if d.Issuer != nil {
			a.StatedIssuer = redact.UntrustedText(*d.Issuer)
		}
		return nil, a
	}
	md := &Metadata{}
	for _, f := range []struct {
		name     string
		raw      string
		into     *string
		required bool
		what     string // as validateEndpoint names it
	}{
		{"token_endpoint", d.TokenEndpoint, &md.TokenEndpoint, true, "the token URL"},
		{"revocation_endpoint", d.RevocationEndpoint, &md.RevocationEndpoint, false, "the revocation URL"},
		{"mtls_endpoint_aliases.token_endpoint", d.MTLSAliases.TokenEndpoint, &md.MTLSTokenEndpoint, false, "the token URL"},
		{"mtls_endpoint_aliases.revocation_endpoint", d.MTLSAliases.RevocationEndpoint, &md.MTLSRevocationEndpoint, false, "the revocation URL"},
	} {
		if f.raw == "" && !f.required {
			continue
		}
		a.Field = f.name
		switch {
		case f.raw == "":
			a.Problem, a.Cause = ProblemEndpoint, redact.UntrustedText("it is missing")
			return nil, a
		case len(f.raw) > maxMetadataURL:
			a.Problem, a.Cause = ProblemEndpoint, redact.UntrustedText("it is longer than 2048 bytes")
			return nil, a
		}
		u, err := validateEndpoint(f.raw, f.what)
		if err != nil {
			a.Problem, a.Cause = ProblemEndpoint, redact.UntrustedError(err)
			return nil, a
		}
		// An https issuer's endpoints are https: a document must not turn
		// the credentials to plain http, a loopback listener's included.
		if strings.EqualFold(doc.Scheme, "https") && !strings.EqualFold(u.Scheme, "https") {
			a.Problem, a.Cause = ProblemEndpoint, redact.UntrustedText("the issuer uses https, and this endpoint does not")
			return nil, a
		}
		*f.into = u.String()
	}
	if d.AuthMethods != nil {
		md.methods = d.AuthMethods
		md.AuthMethods = redact.UntrustedText(strings.Join(d.AuthMethods, " "))
	}
	return md, nil
}
