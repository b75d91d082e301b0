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
// it); it has no Terraform types, and only its descriptors' own text (an
// auth style's refusal hint and what it sends, a grant's description, the
// setting that gives a credential) names provider settings: the provider
// words every other sentence a person reads. An auth style and a grant are
// each one value (authStyles, grantTypes): every list, check and
// description of them is derived from those.
package tokenclient
