package tokenclient

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// AuthStyle says how client credentials are sent to the token endpoint.
type AuthStyle string

// The auth styles with the client secret.
const (
	// AuthStyleHeader sends an HTTP Basic Authorization header (RFC 6749
	// 2.3.1), Workiva's preferred method.
	AuthStyleHeader AuthStyle = "header"
	// AuthStyleBody sends the client id and secret as form fields.
	AuthStyleBody AuthStyle = "body"
	// AuthStyleAuto tries the header first and, when the server refuses the
	// client, the body; the style that works is kept (see Client.fetch).
	AuthStyleAuto AuthStyle = "auto"
)

// The auth styles without a shared secret.
const (
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

// AuthStyles lists the valid auth styles, default first.
var AuthStyles = []string{string(AuthStyleHeader), string(AuthStyleBody), string(AuthStyleAuto),
	string(AuthStylePrivateKeyJWT), string(AuthStyleClientAssertion), string(AuthStyleTLSClientAuth), string(AuthStyleClientSecretJWT), string(AuthStyleNone)}

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

// styles says, once, what each auth style authenticates with.
var styles = map[AuthStyle]Credential{
	AuthStyleHeader:          CredentialSecret,
	AuthStyleBody:            CredentialSecret,
	AuthStyleAuto:            CredentialSecret,
	AuthStylePrivateKeyJWT:   CredentialKey,
	AuthStyleClientAssertion: CredentialAssertion,
	AuthStyleTLSClientAuth:   CredentialCertificate,
	AuthStyleClientSecretJWT: CredentialSecret,
	AuthStyleNone:            CredentialNone,
}

// styleMethods are the token endpoint authentication methods (RFC 8414 2,
// the IANA registry of RFC 7591) each style is to a server that lists
// them: a ready-made assertion is a private_key_jwt assertion on the wire,
// and a certificate's style is either of RFC 8705's.
var styleMethods = map[AuthStyle][]string{
	AuthStyleHeader:          {"client_secret_basic"},
	AuthStyleBody:            {"client_secret_post"},
	AuthStyleAuto:            {"client_secret_basic", "client_secret_post"},
	AuthStylePrivateKeyJWT:   {"private_key_jwt"},
	AuthStyleClientAssertion: {"private_key_jwt"},
	AuthStyleTLSClientAuth:   {"tls_client_auth", "self_signed_tls_client_auth"},
	AuthStyleClientSecretJWT: {"client_secret_jwt"},
	AuthStyleNone:            {"none"},
}

// preference is the order in which a style is chosen for a credential
// from a server's list (Metadata.ChooseStyle): the secret in a Basic
// header first (RFC 6749 2.3.1's MUST), then in the body, then as an HS256
// assertion.
var preference = []AuthStyle{AuthStyleHeader, AuthStyleBody, AuthStyleClientSecretJWT, AuthStylePrivateKeyJWT,
	AuthStyleClientAssertion, AuthStyleTLSClientAuth, AuthStyleNone}

// Needs is the credential the style authenticates with.
func (s AuthStyle) Needs() Credential { return styles[s] }

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
	v, err := fresh(ctx, a.assertion, a.sensitive)
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

// fresh asks a source for a value to send, tells sensitive about it before
// it is sent, and refuses an empty one.
func fresh(ctx context.Context, source assertionSource, sensitive func(...string)) (string, error) {
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
