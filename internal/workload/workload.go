// Package workload obtains workload-identity tokens (the OIDC tokens CI
// systems and platforms hand a job) so that a pipeline needs no stored
// secret, each source exactly as its system documents it, and checks a
// token before anything is sent with it. It has no Terraform types: it
// reports facts (typed errors) and internal/provider words them, except
// what only a source knows: each source's Info carries its name, how it
// obtains its token and its hints, which may name the workload_identity
// settings it reads. What a CI endpoint or the transport said is
// redact.Untrusted; a string field tagged shown:"ours" holds text the
// package or the user wrote.
package workload

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/credfile"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// Kind is where an identity token comes from.
type Kind string

// The sources; how each obtains its token is its file's (github.go, …),
// an endpoint's in its Endpoint value.
const (
	GitHubActions Kind = "github_actions"
	AzureDevOps   Kind = "azure_devops"
	HCPTerraform  Kind = "hcp_terraform"
	GCPMetadata   Kind = "gcp_metadata"
	// Env: the variable EnvVar names (GitLab's id_tokens, any CI).
	Env Kind = "env"
	// File: the file File names, read for every token (Kubernetes projected
	// tokens and AWS_WEB_IDENTITY_TOKEN_FILE rotate).
	File Kind = "file"
	// Value: Source.Value as given (an HCP Terraform Stacks identity_token, say).
	Value Kind = "value"
	// The other CI systems and platforms, each in its file; and Auto,
	// which recognises the CI system.
	GitLab     Kind = "gitlab"
	CircleCI   Kind = "circleci"
	Bitbucket  Kind = "bitbucket"
	Spacelift  Kind = "spacelift"
	Env0       Kind = "env0"
	Kubernetes Kind = "kubernetes"
	Buildkite  Kind = "buildkite"
	Codefresh  Kind = "codefresh"
	Auto       Kind = "auto"
)

// Kinds lists the sources, in the order of sources.
var Kinds = func() []string {
	out := make([]string, len(infos))
	for i, info := range infos {
		out[i] = string(info.Kind)
	}
	return out
}()

// A kindSource is one kind of source: what it is (Info), and how it
// obtains a token from a Source's settings. Each lives in a file of its
// own (github.go, azuredevops.go, …), tested in its test file or, for the
// systems whose token is a variable, in envtoken_test.go; adding a CI system is
// one such type, listed in sources. A source that asks an endpoint
// describes it (Info.Endpoint), and internal/iamserver fakes it from that.
type kindSource interface {
	Info() Info
}

// obtainer is a source that obtains its token other than by asking an
// endpoint (Info.Endpoint): every source is one or the other
// (TestEverySourceObtainsOneWay). obtain returns the raw token;
// Source.Token checks it.
type obtainer interface {
	obtain(ctx context.Context, s Source) (string, error)
}

// reader is a source that reads its token from a variable or a file:
// readFrom names it, for the errors.
type reader interface {
	readFrom(s Source) (variable, file string)
}

// Sources whose optional methods return a constant in one place, which is
// still their interface's method.
var (
	_ obtainer = valueSource{}
	_ reader   = hcpTerraform{}
	_ reader   = kubernetes{}
)

// obtain is src's raw token for s.
func obtain(ctx context.Context, src kindSource, info Info, s Source) (string, error) {
	if info.Endpoint != nil {
		return s.ask(ctx, *info.Endpoint)
	}
	if o, ok := src.(obtainer); ok {
		return o.obtain(ctx, s)
	}
	return "", fmt.Errorf("workload identity source %q has no way to obtain a token", info.Kind)
}

// Info is what a kind of source is, for the provider to describe it and
// word its errors.
type Info struct {
	Kind Kind
	// Name names the source in a sentence: "GitHub Actions".
	Name string
	// Needs is the setting the source cannot do without besides the
	// source itself, as the provider's workload_identity key names it
	// ("service_connection_id"), if any.
	Needs string
	// Doc says, in Markdown, how the source obtains its token.
	Doc string
	// Hint says what the CI system needs when a variable the source reads
	// is not set (MissingError.Variable); FetchHint what to check when its
	// endpoint did not hand out a token. Empty when the source has none.
	Hint      func(variable string) string
	FetchHint string
	// Detect recognises the CI system from the variables its jobs always
	// have (no network probe), for Auto; Markers says what it looks for.
	// Nil for a source Auto does not choose (env, file, value, and Google
	// Cloud, which no variable reveals).
	Detect  func(getenv func(string) string) bool
	Markers string
	// PlatformToken, for a source that falls back to a token its platform
	// hands the workload for another party (EKS's file is for AWS STS,
	// AKS's for Entra ID), is the variable that names the file it reads
	// when s's settings leave the choice to it; "" when the configuration
	// chose the token. Such a token, like every token Auto finds, was not
	// chosen for this server: it is sent only when Audience is set and the
	// token holds it (Source.Token). Nil for the sources whose token the
	// configuration names exactly (env, file, value) or whose job asks for
	// it (the CI systems).
	PlatformToken func(s Source) string
	// Endpoint is how the source asks its CI system for a token, for the
	// sources that ask one (nil for the others).
	Endpoint *Endpoint
	// NewPerRequest reports that the source obtains a new token for every
	// request (it asks the CI system); the others give the same token until
	// the job rewrites it, which a server that accepts each JWT once (RFC
	// 7523 section 3) refuses the second time.
	NewPerRequest bool
}

// NewPerRequest reports whether s obtains a new token for every request (see
// Info.NewPerRequest), Auto as the source it recognises.
func (s Source) NewPerRequest() bool {
	src, ok := sourceOf(s.Kind)
	if ok && s.Kind == Auto {
		src, ok = recognise(s)
	}
	return ok && src.Info().NewPerRequest
}

// sources are the kinds of source, in the order the docs list them.
// Auto tries the ones with Detect in this order: the CI systems, then the
// platforms a CI runner may run on (HCP Terraform's agents, Kubernetes).
var sources = []kindSource{autoSource{}, githubActions{}, azureDevOps{}, gitlab{}, circleCI{}, bitbucket{}, buildkite{}, codefresh{},
	spacelift{}, env0{}, hcpTerraform{}, kubernetes{}, gcpMetadata{}, envSource{}, fileSource{}, valueSource{}}

// infos are the sources' Info, in the order of sources, made once, so that
// a lookup by kind (every token's dispatch) does not make every source's
// Info, Auto's list of the others included, again.
var infos = func() []Info {
	out := make([]Info, len(sources))
	for i, src := range sources {
		out[i] = src.Info()
	}
	return out
}()

// Sources describes every kind of source, in the order the docs list them.
func Sources() []Info { return slices.Clone(infos) }

// InfoOf describes the kind of source k; false when there is none.
func InfoOf(k Kind) (Info, bool) {
	if i := slices.IndexFunc(infos, func(info Info) bool { return info.Kind == k }); i >= 0 {
		return infos[i], true
	}
	return Info{}, false
}

func sourceOf(k Kind) (kindSource, bool) {
	if i := slices.IndexFunc(infos, func(info Info) bool { return info.Kind == k }); i >= 0 {
		return sources[i], true
	}
	return nil, false
}

// The environment variables the sources read.
const (
	EnvGitHubRequestURL   = "ACTIONS_ID_TOKEN_REQUEST_URL"
	EnvGitHubRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN" //nolint:gosec // the variable's name
	EnvAzureRequestURI    = "SYSTEM_OIDCREQUESTURI"
	EnvAzureAccessToken   = "SYSTEM_ACCESSTOKEN"          //nolint:gosec // the variable's name
	EnvHCPToken           = "TFC_WORKLOAD_IDENTITY_TOKEN" //nolint:gosec // the variable's name
	EnvGCEMetadataHost    = "GCE_METADATA_HOST"
)

// Source obtains identity tokens of one kind.
type Source struct {
	redact.Unprintable
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

// Settings are the names of the settings a source may read besides its
// kind, as the provider's workload_identity keys name them; Source.Set and
// Setting read and write them by these names.
var Settings = []string{"audience", "tag", "service_connection_id", "env_var", "file", "token"}

// settings are s's fields by setting name (Settings).
func (s *Source) settings() map[string]*string {
	return map[string]*string{"audience": &s.Audience, "tag": &s.Tag, "service_connection_id": &s.ServiceConnectionID,
		"env_var": &s.EnvVar, "file": &s.File, "token": &s.Value}
}

// Set gives the setting name (one of Settings) value; false for a name
// that is none.
func (s *Source) Set(name, value string) bool {
	if p := s.settings()[name]; p != nil {
		*p = value
		return true
	}
	return false
}

// Setting is the value of the setting name (one of Settings).
func (s Source) Setting(name string) string {
	if p := s.settings()[name]; p != nil {
		return *p
	}
	return ""
}

// Token obtains a fresh identity token and checks it.
func (s Source) Token(ctx context.Context) (string, error) {
	src, ok := sourceOf(s.Kind)
	if !ok {
		return "", fmt.Errorf("unknown workload identity source %q", s.Kind)
	}
	auto := s.Kind == Auto
	if auto {
		if src, ok = recognise(s); !ok {
			return "", &NotRecognisedError{LookedFor: lookedFor()}
		}
		s.Kind = src.Info().Kind
	}
	// A token the configuration did not choose for this server: what Auto
	// finds, and a platform's token for another party.
	var namedBy string
	info, _ := InfoOf(s.Kind)
	if info.PlatformToken != nil {
		namedBy = info.PlatformToken(s)
	}
	tok, err := obtain(ctx, src, info, s)
	if err != nil {
		if read := (*ReadError)(nil); errors.As(err, &read) {
			read.NamedBy = namedBy
		}
		return "", err
	}
	tok = strings.TrimSpace(tok)
	if tok != "" {
		s.tell(tok)
	}
	if err := s.check(tok, auto || namedBy != ""); err != nil {
		if r, ok := src.(reader); ok {
			err.Variable, err.File = r.readFrom(s)
		}
		err.Auto, err.NamedBy = auto, namedBy
		return "", err
	}
	return tok, nil
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

// readFile reads a token file (credfile.Read: a regular file, bounded,
// within the source's timeout).
func (s Source) readFile(ctx context.Context, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(s.Timeout, defaultTimeout))
	defer cancel()
	return credfile.Read(ctx, path)
}

func (s Source) tell(values ...string) {
	if s.Sensitive != nil {
		s.Sensitive(values...)
	}
}

// jwsAlgorithms are the signature algorithms a token may carry; only its
// claims are read here.
var jwsAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.HS256, jose.HS384, jose.HS512}

// UnverifiedClaims decodes the claims of a JWS in compact serialisation
// into into (jwt.Claims, json.RawMessage, …) without verifying it: for
// looking at a token, never for trusting it. Its error says only that tok
// is no JWS.
func UnverifiedClaims(tok string, into any) error {
	parsed, err := jwt.ParseSigned(tok, jwsAlgorithms)
	if err != nil {
		return err
	}
	return parsed.UnsafeClaimsWithoutVerification(into)
}

// check decodes tok (without verifying its signature, which the server
// does) and refuses one that is empty, not a JWS, expired, or without the
// audience; a token the configuration did not choose (unchosen) also when
// no audience is set, since only its audience can say it is for this
// server.
func (s Source) check(tok string, unchosen bool) *CheckError {
	if tok == "" {
		return &CheckError{Kind: s.Kind, Problem: ProblemEmpty}
	}
	var claims jwt.Claims
	if err := UnverifiedClaims(tok, &claims); err != nil {
		return &CheckError{Kind: s.Kind, Problem: ProblemNotJWT}
	}
	if claims.Expiry != nil && !clock.OrSystem(s.Clock).Now().Before(claims.Expiry.Time()) {
		return &CheckError{Kind: s.Kind, Problem: ProblemExpired, Expired: claims.Expiry.Time()}
	}
	if unchosen && s.Audience == "" {
		return &CheckError{Kind: s.Kind, Problem: ProblemAudienceUnset, Audiences: claims.Audience}
	}
	if s.Audience != "" && !slices.Contains([]string(claims.Audience), s.Audience) {
		return &CheckError{Kind: s.Kind, Problem: ProblemAudience, Audiences: claims.Audience}
	}
	return nil
}
