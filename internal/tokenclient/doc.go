// Package tokenclient obtains OAuth2 access tokens and caches them per
// scope set: the client-credentials grant (RFC 6749 4.4), the jwt-bearer
// grant (RFC 7523 2.1) and token exchange (RFC 8693), the client
// authenticated with a secret (in a Basic header or the body), a signed or
// ready-made JWT assertion (RFC 7523 2.2), a TLS client certificate (RFC
// 8705), or not at all.
//
// It builds the requests it sends: the grant (grant) and the client
// authentication (clientAuth) are two values, each applied afresh to every
// attempt, so that a signed assertion or a subject token is new in every
// retry and nothing is swapped into a body. It reports facts (what was
// sent where, what came back, as redact.Untrusted where the server said
// it); it has no Terraform types and names no provider attribute or
// environment variable: the provider words every sentence a person reads.
// Files by concept:
//
//   - config.go: Config, its defaults, and New
//   - clientauth.go: the auth styles, what each needs, and how each
//     authenticates a request
//   - grants.go: the grants and their form fields
//   - exchange.go: one token request: the form, the headers, the attempts,
//     and what AuthStyleAuto learns
//   - response.go: the one reading of a token endpoint's answer
//   - token.go: the issued Token
//   - lifetime.go: the one rule that turns expires_in into a lifetime
//   - cache.go: the per-scope-set cache and the coalescing of concurrent
//     requests
//   - key.go and assertion.go: private keys and signed assertions
//   - transport.go: the default HTTP transport (TLS trust, client
//     certificate, proxies)
//   - retry.go: the retrying client, on internal/httpretry's rules
//   - errors.go: Error, the facts of a failed request, and how each kind is
//     told apart
//   - url.go: which token endpoint URLs are acceptable
//   - scopes.go: RFC 6749 scope tokens
package tokenclient
