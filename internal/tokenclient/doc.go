// Package tokenclient obtains OAuth2 access tokens with the client-credentials
// grant (RFC 6749 4.4) and caches them per scope set.
//
// The exchange itself is golang.org/x/oauth2/clientcredentials; this package
// adds what a Terraform run needs around it. It reports facts (what was sent
// where, what came back); it has no Terraform types and names no provider
// attribute or environment variable: the provider words every sentence a
// person reads. Files by concept:
//
//   - config.go: Config, its defaults, and New
//   - url.go: which token endpoint URLs are acceptable
//   - cache.go: the per-scope-set cache and the coalescing of concurrent requests
//   - exchange.go: one token request through x/oauth2, and the refresh_token grant
//   - token.go: the issued Token and how its response is read
//   - transport.go: the HTTP transport: headers, TLS trust, no redirects, and
//     the record of what the transport saw
//   - retry.go: which answers are retried and how long to wait
//   - errors.go: Error, the facts of a failed request, and how it is classified
//   - scopes.go: RFC 6749 scope tokens
package tokenclient
