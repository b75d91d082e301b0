package tokenclient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// AuthStyle says how client credentials are sent to the token endpoint.
type AuthStyle string

// The auth styles; what each needs and sends is its spec in authStyles.
const (
	// AuthStyleHeader sends an HTTP Basic Authorization header (RFC 6749
	// 2.3.1), Workiva's preferred method.
	AuthStyleHeader AuthStyle = "header"
	// AuthStyleBody sends the client id and secret as form fields.
	AuthStyleBody AuthStyle = "body"
	// AuthStyleAuto tries the header first and, when the server refuses the
	// client, the body; the style that works is kept (see Client.fetch).
	AuthStyleAuto AuthStyle = "auto"

	// AuthStylePrivateKeyJWT signs a fresh JWT assertion with the client's
	// private key for every request (RFC 7523 2.2, OpenID Connect Core 9).
	AuthStylePrivateKeyJWT AuthStyle = "private_key_jwt"
	// AuthStyleClientAssertion sends a ready-made assertion (a workload
	// identity token, say), read afresh for every request.
	AuthStyleClientAssertion AuthStyle = "client_assertion"
	// AuthStyleTLSClientAuth sends the client id only: the client
	// certificate authenticates (RFC 8705 2.1).
	AuthStyleTLSClientAuth AuthStyle = "tls_client_auth"
	// AuthStyleNone sends no client credentials (the client id when
	// set): jwt_bearer and token_exchange grants whose server needs no
	// client authentication.
	AuthStyleNone AuthStyle = "none"
	// AuthStyleClientSecretJWT signs a fresh JWT assertion with HS256 keyed
	// by the client secret for every request (RFC 7523 2.2, OpenID Connect
	// Core 9), so that the secret itself never travels.
	AuthStyleClientSecretJWT AuthStyle = "client_secret_jwt"
)

// Credential is what an auth style authenticates the client with.
type Credential string

// The credentials.
const (
	CredentialSecret      Credential = "secret"
	CredentialKey         Credential = "private key"
	CredentialAssertion   Credential = "assertion"
	CredentialCertificate Credential = "certificate"
	CredentialNone        Credential = ""
)

// A credentialSpec is everything about one credential a client may hold.
type credentialSpec struct {
	cred Credential
	// setting is the provider setting that gives it.
	setting string
	// has reports whether a configuration holds it.
	has func(Config) bool
}

// credentials are the credentials a client may hold, in the order a style
// is implied by them when none is chosen: a certificate goes with any
// style, and implies its own only alone.
var credentials = []credentialSpec{
	{CredentialSecret, "client_secret", func(c Config) bool { return c.ClientSecret != "" || c.ClientSecretFile != "" }},
	{CredentialKey, "client_assertion_key_pem", func(c Config) bool { return strings.TrimSpace(c.AssertionKeyPEM) != "" }},
	{CredentialAssertion, "client_assertion", func(c Config) bool { return c.Assertion != nil }},
	{CredentialCertificate, "client_certificate_pem", func(c Config) bool { return c.ClientCertificatePEM != "" }},
}

// Credentials lists the credentials, in credentials' order.
var Credentials = func() []Credential {
	out := make([]Credential, len(credentials))
	for i, c := range credentials {
		out[i] = c.cred
	}
	return out
}()

func credentialSpecOf(c Credential) (credentialSpec, bool) {
	return specNamed(credentials, func(s credentialSpec) Credential { return s.cred }, c)
}

// Setting is the provider setting that gives the credential.
func (c Credential) Setting() string {
	spec, _ := credentialSpecOf(c)
	return spec.setting
}

// Has reports whether cfg holds the credential (CredentialNone it always
// holds).
func (cfg Config) Has(cred Credential) bool {
	spec, ok := credentialSpecOf(cred)
	return !ok || spec.has(cfg)
}

// A styleSpec is everything about one auth style, so that adding one is
// one value in authStyles: every list, check and description of styles is
// derived from them.
type styleSpec struct {
	style AuthStyle
	// needs is the credential it authenticates with.
	needs Credential
	// methods are its names among the token endpoint authentication
	// methods (RFC 8414 2, the IANA registry of RFC 7591) a server lists: a
	// ready-made assertion is a private_key_jwt assertion on the wire, and
	// a certificate's style is either of RFC 8705's.
	methods []string
	// tried: one of the styles AuthStyleAuto tries, in authStyles' order.
	tried bool
	// fields are the form fields it writes (ReservedParams).
	fields []string
	// doc says in Markdown what it sends, for auth_style's description.
	doc string
	// refused says what to check when the server refuses the client; from
	// names where a setting's value came from, in the caller's words. Nil
	// for the secret styles, whose words depend on the server
	// (RefusedHint's caller has them).
	refused func(from func(setting string) string) string
	// auth is how it authenticates a request, the secret styles' with
	// secret; nil for AuthStyleAuto, whose tried styles fetch tries.
	auth func(cfg Config, secret string) (clientAuth, error)
}

// authStyles are the auth styles, in the client's order of preference:
// when a style is chosen for a credential, the first that takes it (and
// that the server lists, Metadata.ChooseStyle) is, so that a secret goes in
// a Basic header first (RFC 6749 2.3.1 makes every server support it), then
// in the body, then as an HS256 assertion. The docs list them in this order.
var authStyles = []styleSpec{
	{style: AuthStyleHeader, needs: CredentialSecret, methods: []string{"client_secret_basic"}, tried: true,
		doc:  "sends an HTTP Basic `Authorization` header (Workiva's preferred method)",
		auth: func(cfg Config, secret string) (clientAuth, error) { return secretBasic{cfg.ClientID, secret}, nil }},
	{style: AuthStyleBody, needs: CredentialSecret, methods: []string{"client_secret_post"}, tried: true,
		fields: []string{"client_id", "client_secret"},
		doc:    "sends `client_id` and `client_secret` as form fields",
		auth:   func(cfg Config, secret string) (clientAuth, error) { return secretPost{cfg.ClientID, secret}, nil }},
	{style: AuthStyleAuto, needs: CredentialSecret, methods: []string{"client_secret_basic", "client_secret_post"},
		fields: []string{"client_id", "client_secret"},
		doc: "tries the header and, when the server refuses the client (HTTP 401, or 400 `invalid_client`, `unauthorized_client` " +
			"or `invalid_request`), the body, then keeps the style that worked for later requests (a wrong secret costs two requests)"},
	{style: AuthStyleClientSecretJWT, needs: CredentialSecret, methods: []string{"client_secret_jwt"}, fields: assertionFields,
		doc: "signs a fresh JWT with HS256 keyed by `client_secret` for every request, so the secret never travels (Keycloak, Okta, " +
			"Salesforce; the secret must be at least 32 bytes, RFC 7518)",
		refused: func(from func(string) string) string {
			return "The server refused the assertion signed with the client secret (" + from(CredentialSecret.Setting()) + ", HS256). Check that the " +
				"client id (" + from("client_id") + ") may use client_secret_jwt on the server, that the secret is the current one, and " +
				"that the server expects the assertion's audience (client_assertion_audience; the token URL by default)."
		},
		auth: func(cfg Config, secret string) (clientAuth, error) {
			if len(secret) < MinSecretJWTKey {
				return nil, fmt.Errorf("%w: HS256 needs a key of at least %d bytes (RFC 7518 section 3.2), and the secret has %d",
					ErrSecretTooShort, MinSecretJWTKey, len(secret))
			}
			return signedAuth(cfg, AuthStyleClientSecretJWT, jose.SigningKey{Algorithm: jose.HS256, Key: []byte(secret)})
		}},
	{style: AuthStylePrivateKeyJWT, needs: CredentialKey, methods: []string{"private_key_jwt"}, fields: assertionFields,
		doc: "signs a fresh JWT with `client_assertion_key_pem` for every request (RFC 7523)",
		refused: func(from func(string) string) string {
			return "The server refused the assertion signed with the private key (" + from(CredentialKey.Setting()) + "). Check that " +
				"the server holds its public key for the client id (" + from("client_id") + "), under the key id client_assertion_key_id " +
				"if it asks for one, that it accepts the algorithm (client_assertion_alg), and that it expects the assertion's audience " +
				"(client_assertion_audience; the token URL by default)."
		},
		auth: func(cfg Config, _ string) (clientAuth, error) {
			key, alg, err := parseAssertionKey(cfg.AssertionKeyPEM, cfg.AssertionAlg)
			if err != nil {
				return nil, err
			}
			return signedAuth(cfg, AuthStylePrivateKeyJWT, jose.SigningKey{Algorithm: alg, Key: key})
		}},
	{style: AuthStyleClientAssertion, needs: CredentialAssertion, methods: []string{"private_key_jwt"}, fields: assertionFields,
		doc: "sends `client_assertion` (a workload-identity token)",
		refused: func(from func(string) string) string {
			return "The server refused the client assertion (" + from(CredentialAssertion.Setting()) + "). Check that the server trusts the " +
				"assertion's issuer for the client id (" + from("client_id") + ") (a federated credential or trust relationship), that " +
				"the assertion's audience and subject are the ones it expects, and that the assertion has not expired: " +
				"workload-identity tokens live minutes."
		},
		auth: func(cfg Config, _ string) (clientAuth, error) {
			return jwtAssertion{id: cfg.ClientID, style: AuthStyleClientAssertion, assertion: cfg.Assertion, sensitive: cfg.Sensitive}, nil
		}},
	{style: AuthStyleTLSClientAuth, needs: CredentialCertificate, methods: []string{"tls_client_auth", "self_signed_tls_client_auth"},
		fields: []string{"client_id"},
		doc:    "sends `client_id` only and lets `client_certificate_pem` authenticate (RFC 8705)",
		refused: func(from func(string) string) string {
			return "The server refused the client certificate (" + from(CredentialCertificate.Setting()) + "). Check that it is the " +
				"certificate registered for the client id (" + from("client_id") + ") and that the endpoint asks for client certificates."
		},
		auth: func(cfg Config, _ string) (clientAuth, error) {
			return idOnly{id: cfg.ClientID, style: AuthStyleTLSClientAuth}, nil
		}},
	{style: AuthStyleNone, needs: CredentialNone, methods: []string{"none"}, fields: []string{"client_id"},
		doc: "sends no client credentials (a `jwt_bearer` or `token_exchange` grant whose token is enough)",
		auth: func(cfg Config, _ string) (clientAuth, error) {
			return idOnly{id: cfg.ClientID, style: AuthStyleNone}, nil
		}},
}

// assertionFields are the form fields of a JWT client assertion (RFC 7523
// 2.2).
var assertionFields = []string{"client_id", "client_assertion_type", "client_assertion"}

// specOf is style's spec; false when there is none.
func specOf(style AuthStyle) (styleSpec, bool) {
	return specNamed(authStyles, func(s styleSpec) AuthStyle { return s.style }, style)
}

// AuthStyles lists the auth styles, in the client's order of preference.
var AuthStyles = specNames(authStyles, func(s styleSpec) AuthStyle { return s.style })

// specNamed is the spec of specs whose name is n; false when there is none.
func specNamed[S any, N comparable](specs []S, name func(S) N, n N) (S, bool) {
	for _, s := range specs {
		if name(s) == n {
			return s, true
		}
	}
	var zero S
	return zero, false
}

// specNames are the names of specs, in order.
func specNames[S any, N ~string](specs []S, name func(S) N) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = string(name(s))
	}
	return out
}

// spec is s's spec; the zero spec for a style that is none.
func (s AuthStyle) spec() styleSpec {
	spec, _ := specOf(s)
	return spec
}

// Needs is the credential the style authenticates with.
func (s AuthStyle) Needs() Credential { return s.spec().needs }

// Doc says in Markdown what the style sends.
func (s AuthStyle) Doc() string { return s.spec().doc }

// RefusedHint says what to check when the server refused the client that
// authenticated with the style, naming where each setting's value came
// from by from; false for the secret styles (header, body, auto), whose
// words depend on the server.
func (s AuthStyle) RefusedHint(from func(setting string) string) (string, bool) {
	if refused := s.spec().refused; refused != nil {
		return refused(from), true
	}
	return "", false
}

// DefaultStyle is the style a client that holds only cred authenticates
// with when none is chosen: the first in the order of preference that
// takes it.
func DefaultStyle(cred Credential) AuthStyle {
	for _, s := range authStyles {
		if s.needs == cred {
			return s.style
		}
	}
	return ""
}

// Tries are the styles s tries in turn, in order: AuthStyleAuto's (the
// header, then the body); none for the others.
func (s AuthStyle) Tries() []AuthStyle {
	if s != AuthStyleAuto {
		return nil
	}
	return slices.Clone(triedByAuto)
}

// triedByAuto are the styles AuthStyleAuto tries, in order.
var triedByAuto = func() []AuthStyle {
	var out []AuthStyle
	for _, s := range authStyles {
		if s.tried {
			out = append(out, s.style)
		}
	}
	return out
}()

// clientAuth authenticates the client in one token request (RFC 6749 2.3,
// RFC 7523 2.2, RFC 8705 2): its header once per request, its form fields
// afresh for every attempt (a signed assertion is made anew each time).
type clientAuth interface {
	header(h http.Header)
	form(ctx context.Context, f url.Values) error
	// name is the style as the log says it.
	name() string
}

// secretBasic sends the secret in an HTTP Basic header (basicPart).
type secretBasic struct{ id, secret string }

func (a secretBasic) header(h http.Header) {
	r := http.Request{Header: h}
	r.SetBasicAuth(basicPart(a.id, true), basicPart(a.secret, false))
}

// basicPart is a client id or secret as a Basic header carries it. RFC 6749
// 2.3.1 form-encodes both first, and many servers do not decode them
// (Workiva documents "Basic <client_id:client_secret>"): a value that
// form-decoding leaves unchanged (no % and no +; for the id, no ':', where
// the password would begin) is sent as written, so that both kinds of
// server read it (a Workiva secret holds ':'); any other is form-encoded,
// as only a decoding server can read it anyway.
func basicPart(v string, id bool) string {
	if strings.ContainsAny(v, "%+") || id && strings.Contains(v, ":") {
		return url.QueryEscape(v)
	}
	return v
}
func (secretBasic) form(context.Context, url.Values) error { return nil }
func (secretBasic) name() string                           { return "header" }

// secretPost sends the id and the secret as form fields (RFC 6749 2.3.1).
type secretPost struct{ id, secret string }

func (secretPost) header(http.Header) {}
func (a secretPost) form(_ context.Context, f url.Values) error {
	if a.id != "" {
		f.Set("client_id", a.id)
	}
	f.Set("client_secret", a.secret)
	return nil
}
func (secretPost) name() string { return "body" }

// jwtAssertion sends a JWT client assertion (RFC 7523 2.2): signed with
// the client's key or secret, or ready-made, fresh for every attempt.
type jwtAssertion struct {
	id        string
	style     AuthStyle
	assertion assertionSource
	sensitive func(...string)
}

func (jwtAssertion) header(http.Header) {}
func (a jwtAssertion) form(ctx context.Context, f url.Values) error {
	v, err := obtain(ctx, a.assertion, a.sensitive)
	if err != nil {
		return err
	}
	if a.id != "" {
		f.Set("client_id", a.id)
	}
	f.Set("client_assertion_type", ClientAssertionType)
	f.Set("client_assertion", v)
	return nil
}
func (a jwtAssertion) name() string { return string(a.style) }

// idOnly sends the client id, when there is one: the TLS client
// certificate authenticates (RFC 8705 2.1), or nothing does (a federated
// grant whose token is enough).
type idOnly struct {
	id    string
	style AuthStyle
}

func (idOnly) header(http.Header) {}
func (a idOnly) form(_ context.Context, f url.Values) error {
	if a.id != "" {
		f.Set("client_id", a.id)
	}
	return nil
}
func (a idOnly) name() string { return string(a.style) }

// obtain asks a source for a value to send, tells sensitive about it before
// it is sent, and refuses an empty one.
func obtain(ctx context.Context, source assertionSource, sensitive func(...string)) (string, error) {
	v, err := source(ctx)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(v) == "" {
		return "", ErrEmptyAssertion
	}
	if sensitive != nil {
		sensitive(v)
	}
	return v, nil
}
