// Package workload obtains workload-identity tokens (the OIDC tokens CI
// systems and platforms hand a job) so that a pipeline needs no stored
// secret, each source exactly as its system documents it, and checks a
// token before anything is sent with it. It has no Terraform types: it
// reports facts (typed errors) and internal/provider words them.
package workload

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// Kind is where an identity token comes from.
type Kind string

// The sources.
const (
	// GitHubActions (also Forgejo): GET $ACTIONS_ID_TOKEN_REQUEST_URL with
	// &audience=<aud> and "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN";
	// the token is .value of the answer.
	GitHubActions Kind = "github_actions"
	// AzureDevOps: POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=<id>
	// with "Authorization: Bearer $SYSTEM_ACCESSTOKEN"; the token is .oidcToken.
	AzureDevOps Kind = "azure_devops"
	// HCPTerraform: TFC_WORKLOAD_IDENTITY_TOKEN_<TAG>, or
	// TFC_WORKLOAD_IDENTITY_TOKEN without a tag.
	HCPTerraform Kind = "hcp_terraform"
	// GCPMetadata: GET http://metadata.google.internal/computeMetadata/v1/
	// instance/service-accounts/default/identity?audience=<aud>&format=full
	// with "Metadata-Flavor: Google"; GCE_METADATA_HOST (host:port) names
	// another host, as Google's client libraries honour it.
	GCPMetadata Kind = "gcp_metadata"
	// Env: the variable EnvVar names (GitLab's id_tokens, any CI).
	Env Kind = "env"
	// File: the file File names, read for every token (Kubernetes projected
	// tokens and AWS_WEB_IDENTITY_TOKEN_FILE rotate).
	File Kind = "file"
	// Value: Source.Value as given (an HCP Terraform Stacks identity_token, say).
	Value Kind = "value"
)

// Kinds lists the sources.
var Kinds = []string{string(GitHubActions), string(AzureDevOps), string(HCPTerraform), string(GCPMetadata), string(Env), string(File), string(Value)}

// The environment variables the sources read.
const (
	EnvGitHubRequestURL   = "ACTIONS_ID_TOKEN_REQUEST_URL"
	EnvGitHubRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN" //nolint:gosec // the variable's name
	EnvAzureRequestURI    = "SYSTEM_OIDCREQUESTURI"
	EnvAzureAccessToken   = "SYSTEM_ACCESSTOKEN"          //nolint:gosec // the variable's name
	EnvHCPToken           = "TFC_WORKLOAD_IDENTITY_TOKEN" //nolint:gosec // the variable's name
	EnvGCEMetadataHost    = "GCE_METADATA_HOST"
	gcpMetadataHost       = "metadata.google.internal"
	gcpIdentityPath       = "/computeMetadata/v1/instance/service-accounts/default/identity"
)

// Source obtains identity tokens of one kind.
type Source struct {
	Kind Kind
	// Audience is the aud to ask for (GitHubActions, GCPMetadata) and, for
	// every source, the aud the token must hold when set.
	Audience            string
	Tag                 string // HCPTerraform
	ServiceConnectionID string // AzureDevOps
	EnvVar              string // Env
	File                string // File
	Value               string // Value: the token itself

	// Getenv reads the environment; os.Getenv when nil.
	Getenv func(string) string
	// Transport carries the requests of the HTTP sources (retried as token
	// requests are: httpretry, MaxRetries times); a pooled transport
	// that honours HTTPS_PROXY and NO_PROXY when nil.
	Transport  http.RoundTripper
	MaxRetries int
	Timeout    time.Duration
	// Clock tells whether a token has expired; the system clock when nil.
	Clock clock.Clock
	// Sensitive is told every credential the source reads (the token, and
	// the request tokens of GitHub Actions and Azure DevOps) as soon as it
	// has read it.
	Sensitive func(values ...string)
}

// String keeps a Value token out of any formatting of a Source.
func (s Source) String() string {
	return fmt.Sprintf("workload.Source{Kind: %q, Audience: %q}", s.Kind, s.Audience)
}

// GoString is String, for %#v.
func (s Source) GoString() string { return s.String() }

// MissingError: the environment lacks what the source needs; nothing was
// requested.
type MissingError struct {
	Kind     Kind
	Variable string
}

func (e *MissingError) Error() string { return fmt.Sprintf("%s: %s is not set", e.Kind, e.Variable) }

// FetchError: the CI system's endpoint did not hand out a token.
type FetchError struct {
	Kind Kind
	// URL is the endpoint as it may be shown (query values masked).
	URL string
	// StatusCode is the HTTP status; zero without an answer.
	StatusCode int
	Err        error
}

func (e *FetchError) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("%s: %s answered HTTP %d %s", e.Kind, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("%s: requesting %s: %v", e.Kind, e.URL, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// CheckError: the token obtained is not one to send: empty, not a JWS, its
// exp passed, or its aud lacks the audience. The checks decode only; the
// server verifies the signature.
type CheckError struct {
	Kind Kind
	// Problem is ProblemEmpty, ProblemNotJWT, ProblemExpired or
	// ProblemAudience.
	Problem string
	// Expired is when the token expired (ProblemExpired); Audiences what it
	// holds (ProblemAudience).
	Expired   time.Time
	Audiences []string
}

// The problems of a CheckError.
const (
	ProblemEmpty    = "empty"
	ProblemNotJWT   = "not a JWT"
	ProblemExpired  = "expired"
	ProblemAudience = "audience"
)

func (e *CheckError) Error() string {
	switch e.Problem {
	case ProblemExpired:
		return fmt.Sprintf("%s: the token expired at %s", e.Kind, e.Expired.UTC().Format(time.RFC3339))
	case ProblemAudience:
		return fmt.Sprintf("%s: the token's audience is %q", e.Kind, e.Audiences)
	}
	return fmt.Sprintf("%s: the token is %s", e.Kind, e.Problem)
}

// Token obtains a fresh identity token and checks it.
func (s Source) Token(ctx context.Context) (string, error) {
	tok, err := s.obtain(ctx)
	if err != nil {
		return "", err
	}
	tok = strings.TrimSpace(tok)
	if tok != "" {
		s.tell(tok)
	}
	return tok, s.check(tok)
}

func (s Source) getenv(name string) string {
	if s.Getenv == nil {
		return os.Getenv(name)
	}
	return s.Getenv(name)
}

// need reads variables the source cannot do without.
func (s Source) need(names ...string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		if out[i] = s.getenv(n); out[i] == "" {
			return nil, &MissingError{Kind: s.Kind, Variable: n}
		}
	}
	return out, nil
}

func (s Source) obtain(ctx context.Context) (string, error) {
	switch s.Kind {
	case GitHubActions:
		v, err := s.need(EnvGitHubRequestURL, EnvGitHubRequestToken)
		if err != nil {
			return "", err
		}
		s.tell(v[1])
		u := v[0]
		if s.Audience != "" {
			// The URL has a query already (api-version); keep it.
			u += "&audience=" + url.QueryEscape(s.Audience)
		}
		var answer struct {
			Value string `json:"value"`
		}
		err = s.fetchJSON(ctx, http.MethodGet, u, map[string]string{"Authorization": "Bearer " + v[1]}, &answer)
		return answer.Value, err
	case AzureDevOps:
		v, err := s.need(EnvAzureRequestURI, EnvAzureAccessToken)
		if err != nil {
			return "", err
		}
		s.tell(v[1])
		u := v[0] + "?api-version=7.1&serviceConnectionId=" + url.QueryEscape(s.ServiceConnectionID)
		var answer struct {
			OIDCToken string `json:"oidcToken"`
		}
		err = s.fetchJSON(ctx, http.MethodPost, u, map[string]string{"Authorization": "Bearer " + v[1], "Content-Type": "application/json"}, &answer)
		return answer.OIDCToken, err
	case HCPTerraform:
		name := EnvHCPToken
		if s.Tag != "" {
			name += "_" + s.Tag
		}
		v, err := s.need(name)
		if err != nil {
			return "", err
		}
		return v[0], nil
	case GCPMetadata:
		host := cmp.Or(s.getenv(EnvGCEMetadataHost), gcpMetadataHost)
		u := "http://" + host + gcpIdentityPath + "?audience=" + url.QueryEscape(s.Audience) + "&format=full"
		body, err := s.fetch(ctx, http.MethodGet, u, map[string]string{"Metadata-Flavor": "Google"})
		return string(body), err
	case Env:
		v, err := s.need(s.EnvVar)
		if err != nil {
			return "", err
		}
		return v[0], nil
	case File:
		b, err := os.ReadFile(s.File)
		return string(b), err
	case Value:
		return s.Value, nil
	}
	return "", fmt.Errorf("unknown workload identity source %q", s.Kind)
}

func (s Source) tell(values ...string) {
	if s.Sensitive != nil {
		s.Sensitive(values...)
	}
}

func (s Source) fetchJSON(ctx context.Context, method, u string, hdr map[string]string, into any) error {
	body, err := s.fetch(ctx, method, u, hdr)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, into); err != nil {
		return &FetchError{Kind: s.Kind, URL: redact.URL(u), StatusCode: 0, Err: errors.New("the answer is not the JSON document the CI system documents")}
	}
	return nil
}

// maxAnswer bounds what is read of a CI endpoint's answer.
const maxAnswer = 1 << 20

// defaultTransport carries every source's requests when Source.Transport
// is nil: one pool of connections for the process, which honours
// HTTPS_PROXY and NO_PROXY, rather than a new pool for every fetch.
var defaultTransport http.RoundTripper = cleanhttp.DefaultPooledTransport()

func (s Source) fetch(ctx context.Context, method, u string, hdr map[string]string) ([]byte, error) {
	shown := redact.URL(u)
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, &FetchError{Kind: s.Kind, URL: shown, Err: errors.New("the URL is not valid")}
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// Retried as token requests are (internal/httpretry).
	rc := httpretry.New(httpretry.Options{Transport: cmp.Or(s.Transport, defaultTransport), Timeout: cmp.Or(s.Timeout, 30*time.Second),
		MaxRetries: s.MaxRetries, Clock: s.Clock})
	resp, err := rc.Do(req)
	if err != nil {
		return nil, &FetchError{Kind: s.Kind, URL: shown, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	switch {
	case err != nil:
		return nil, &FetchError{Kind: s.Kind, URL: shown, Err: err}
	case resp.StatusCode != http.StatusOK:
		return nil, &FetchError{Kind: s.Kind, URL: shown, StatusCode: resp.StatusCode}
	}
	return body, nil
}

// jwsAlgorithms are the signature algorithms a workload-identity token may
// carry; only the claims are read here.
var jwsAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.HS256, jose.HS384, jose.HS512}

// check decodes tok (without verifying its signature, which the server
// does) and refuses one that is empty, not a JWS, expired, or without the
// audience.
func (s Source) check(tok string) error {
	if tok == "" {
		return &CheckError{Kind: s.Kind, Problem: ProblemEmpty}
	}
	parsed, err := jwt.ParseSigned(tok, jwsAlgorithms)
	if err != nil {
		return &CheckError{Kind: s.Kind, Problem: ProblemNotJWT}
	}
	var claims jwt.Claims
	if err := parsed.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return &CheckError{Kind: s.Kind, Problem: ProblemNotJWT}
	}
	if claims.Expiry != nil && !clock.OrSystem(s.Clock).Now().Before(claims.Expiry.Time()) {
		return &CheckError{Kind: s.Kind, Problem: ProblemExpired, Expired: claims.Expiry.Time()}
	}
	if s.Audience != "" && !slices.Contains([]string(claims.Audience), s.Audience) {
		return &CheckError{Kind: s.Kind, Problem: ProblemAudience, Audiences: claims.Audience}
	}
	return nil
}
