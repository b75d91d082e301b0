// Package workload obtains workload-identity tokens (the OIDC tokens CI
// systems and platforms hand a job) so that a pipeline needs no stored
// secret, each source exactly as its system documents it, and checks a
// token before anything is sent with it. It has no Terraform types: it
// reports facts (typed errors) and internal/provider words them. What a CI
// endpoint or the transport said is redact.Untrusted; a string field
// tagged shown:"ours" holds text the package or the user wrote.
package workload

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
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
	Variable string `shown:"ours"`
}

func (e *MissingError) Error() string { return fmt.Sprintf("%s: %s is not set", e.Kind, e.Variable) }

// FetchError: the CI system's endpoint did not hand out a token, or was not
// asked because the request would break a transport rule.
type FetchError struct {
	Kind Kind
	// URL is the endpoint as it may be shown (query values masked).
	URL string `shown:"ours"`
	// Problem says what went wrong: ProblemAnswer (an answer without a
	// token: StatusCode says which, zero for one that is not the document
	// the CI system documents), ProblemTransport (no answer: Op and Cause),
	// ProblemInsecure (plain http to a host that is not loopback: nothing
	// was sent), ProblemNotMetadata (the answer lacks Metadata-Flavor:
	// Google, so it did not come from the metadata server).
	Problem    string `shown:"ours"`
	StatusCode int
	// Variable is the environment variable that named the endpoint, if one
	// did.
	Variable string `shown:"ours"`
	// Op is the HTTP method of a request that got no answer, and Cause the
	// transport's words for why, without the request URL.
	Op    string `shown:"ours"`
	Cause redact.Untrusted
	Err   error
}

// The problems of a FetchError.
const (
	ProblemAnswer      = "answer"
	ProblemTransport   = "transport"
	ProblemInsecure    = "insecure"
	ProblemNotMetadata = "not the metadata server"
)

// Error gives the facts; what the transport said is left out
// (redact.Placeholder).
func (e *FetchError) Error() string {
	switch e.Problem {
	case ProblemAnswer:
		return fmt.Sprintf("%s: %s answered HTTP %d %s", e.Kind, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	case ProblemTransport:
		return fmt.Sprintf("%s: %s %s: %v", e.Kind, e.Op, e.URL, e.Cause)
	}
	return fmt.Sprintf("%s: %s: %s", e.Kind, e.URL, e.Problem)
}

func (e *FetchError) Unwrap() error { return e.Err }

// InvalidError: a variable the source reads holds no usable value
// (GCE_METADATA_HOST that is not a host[:port], say); nothing was sent.
type InvalidError struct {
	Kind     Kind
	Variable string `shown:"ours"`
	// Rule says what the value should be.
	Rule string `shown:"ours"`
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("%s: %s is not usable: %s", e.Kind, e.Variable, e.Rule)
}

// ReadError: the file of the File source could not be read.
type ReadError struct {
	Kind Kind
	File string `shown:"ours"`
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("%s: reading %s failed", e.Kind, e.File) }
func (e *ReadError) Unwrap() error { return e.Err }

// CheckError: the token obtained is not one to send: empty, not a JWS, its
// exp passed, or its aud lacks the audience. The checks decode only; the
// server verifies the signature.
type CheckError struct {
	Kind Kind
	// Variable or File is where the token was read, when it was read from
	// an environment variable or a file.
	Variable string `shown:"ours"`
	File     string `shown:"ours"`
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
	if err := s.check(tok); err != nil {
		err.Variable, err.File = s.readFrom()
		return "", err
	}
	return tok, nil
}

// readFrom is the variable or the file the source reads its token from.
func (s Source) readFrom() (variable, file string) {
	switch s.Kind {
	case HCPTerraform:
		return s.hcpVariable(), ""
	case Env:
		return s.EnvVar, ""
	case File:
		return "", s.File
	}
	return "", ""
}

func (s Source) hcpVariable() string {
	if s.Tag != "" {
		return EnvHCPToken + "_" + s.Tag
	}
	return EnvHCPToken
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
		err = s.fetchJSON(ctx, request{method: http.MethodGet, url: u, variable: EnvGitHubRequestURL,
			header: map[string]string{"Authorization": "Bearer " + v[1]}}, &answer)
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
		err = s.fetchJSON(ctx, request{method: http.MethodPost, url: u, variable: EnvAzureRequestURI,
			header: map[string]string{"Authorization": "Bearer " + v[1], "Content-Type": "application/json"}}, &answer)
		return answer.OIDCToken, err
	case HCPTerraform:
		v, err := s.need(s.hcpVariable())
		if err != nil {
			return "", err
		}
		return v[0], nil
	case GCPMetadata:
		host := cmp.Or(s.getenv(EnvGCEMetadataHost), gcpMetadataHost)
		if !validHostPort(host) {
			return "", &InvalidError{Kind: s.Kind, Variable: EnvGCEMetadataHost, Rule: "a host name or IP address with an optional :port, nothing else"}
		}
		u := "http://" + host + gcpIdentityPath + "?audience=" + url.QueryEscape(s.Audience) + "&format=full"
		body, err := s.fetch(ctx, request{method: http.MethodGet, url: u, metadata: true, header: map[string]string{"Metadata-Flavor": "Google"}})
		return string(body), err
	case Env:
		v, err := s.need(s.EnvVar)
		if err != nil {
			return "", err
		}
		return v[0], nil
	case File:
		b, err := os.ReadFile(s.File)
		if err != nil {
			return "", &ReadError{Kind: s.Kind, File: s.File, Err: err}
		}
		return string(b), nil
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

// request is one request to a CI system's endpoint. A metadata request
// (Google Cloud's) goes over plain http to the link-local metadata server,
// as Google's own clients send it: never through a proxy, and its answer
// must say it came from the metadata server. Every other request carries
// a credential, and follows the token requests' rule: https, or http to
// loopback (httpretry.Secure).
type request struct {
	method, url string
	header      map[string]string
	// variable is the environment variable that named url.
	variable string
	metadata bool
}

func (s Source) fetchJSON(ctx context.Context, r request, into any) error {
	body, err := s.fetch(ctx, r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, into); err != nil {
		return &FetchError{Kind: s.Kind, URL: redact.URL(r.url), Problem: ProblemAnswer, Variable: r.variable,
			Err: errors.New("the answer is not the JSON document the CI system documents")}
	}
	return nil
}

// maxAnswer bounds what is read of a CI endpoint's answer.
const maxAnswer = 1 << 20

// defaultTransport carries every source's requests when Source.Transport
// is nil: one pool of connections for the process, which honours
// HTTPS_PROXY and NO_PROXY, rather than a new pool for every fetch.
// metadataTransport is the one of metadata requests: without a proxy.
var (
	defaultTransport  http.RoundTripper = cleanhttp.DefaultPooledTransport()
	metadataTransport                   = func() *http.Transport {
		t := cleanhttp.DefaultPooledTransport()
		t.Proxy = nil
		return t
	}()
)

func (s Source) fetch(ctx context.Context, r request) ([]byte, error) {
	shown := redact.URL(r.url)
	fail := func(problem string) *FetchError {
		return &FetchError{Kind: s.Kind, URL: shown, Problem: problem, Variable: r.variable}
	}
	u, err := url.Parse(r.url)
	if err != nil || u.Host == "" {
		e := fail(ProblemAnswer)
		e.Err = errors.New("the URL is not valid")
		return nil, e
	}
	if !r.metadata && !httpretry.Secure(u) {
		return nil, fail(ProblemInsecure)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, r.url, nil)
	if err != nil {
		e := fail(ProblemAnswer)
		e.Err = errors.New("the URL is not valid")
		return nil, e
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	transport := cmp.Or(s.Transport, defaultTransport)
	if r.metadata && s.Transport == nil {
		transport = metadataTransport
	}
	// Retried as token requests are (internal/httpretry), and never
	// redirected.
	rc := httpretry.New(httpretry.Options{Transport: transport, Timeout: cmp.Or(s.Timeout, 30*time.Second),
		MaxRetries: s.MaxRetries, Clock: s.Clock})
	resp, err := rc.Do(req)
	if err != nil {
		e := fail(ProblemTransport)
		e.Op, e.Cause, e.Err = transportCause(err)
		return nil, e
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	switch {
	case err != nil:
		e := fail(ProblemTransport)
		e.Op, e.Cause, e.Err = transportCause(err)
		e.Op = r.method
		return nil, e
	case r.metadata && resp.Header.Get("Metadata-Flavor") != "Google":
		return nil, fail(ProblemNotMetadata)
	case resp.StatusCode != http.StatusOK:
		e := fail(ProblemAnswer)
		e.StatusCode = resp.StatusCode
		return nil, e
	}
	return body, nil
}

// transportCause is what a request that got no answer was (its method)
// and why, in the transport's words without the request URL: the error
// inside the innermost *url.Error, which alone quotes the URL.
func transportCause(err error) (op string, cause redact.Untrusted, inner error) {
	var ue *url.Error
	for errors.As(err, &ue) {
		op, err = ue.Op, ue.Err
	}
	return op, redact.UntrustedError(err), err
}

// validHostPort reports whether s is a host name or IP address with an
// optional port, and nothing else (no scheme, user info, path or query).
func validHostPort(s string) bool {
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
	}
	if net.ParseIP(host) != nil {
		return true
	}
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

// jwsAlgorithms are the signature algorithms a workload-identity token may
// carry; only the claims are read here.
var jwsAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.HS256, jose.HS384, jose.HS512}

// check decodes tok (without verifying its signature, which the server
// does) and refuses one that is empty, not a JWS, expired, or without the
// audience.
func (s Source) check(tok string) *CheckError {
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
