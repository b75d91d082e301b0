package provider

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// This file words every diagnostic the provider shows: what happened, what
// the server said and what to check. internal/tokenclient reports facts
// only; the sentences that name attributes, environment variables or
// Workiva's menus are here. None of them ever includes a secret or a token.

// tokenErrorDiagnostic turns a failed token request of grant g into an
// error diagnostic: summary is "Authentication failed" (Configure) or
// "Token request failed" (a workiva_token whose scopes differ). Its hint
// fits the grant: how it authenticates, where its values came from, and
// whether its endpoint is Workiva's. What the server or the transport said
// is shown through scrub's Output (show.go).
func tokenErrorDiagnostic(summary string, err error, g *grant, scrub *redact.Scrubber) diag.Diagnostic {
	show := newShower(scrub)
	clientID := g.clientID
	var te *tokenclient.Error
	if !errors.As(err, &te) {
		return diag.NewErrorDiagnostic(summary, show.err(err))
	}
	// What happened, in the summary's words and the detail's.
	what, cause := "", ""
	switch te.Kind {
	case tokenclient.KindServer:
		what = fmt.Sprintf("HTTP %d", te.StatusCode)
		if code := show.text(te.Code, maxCodeShown); code != "" {
			what += " " + code
		}
	case tokenclient.KindResponse:
		what, cause = "unusable token response", "the answer is not a usable token response: "+show.field(te.Cause)
	case tokenclient.KindTimeout:
		what, cause = "no answer in time", fmt.Sprintf("%s %s got no answer within the request timeout (%s)", transportOp(te.Op), te.TokenURL, show.field(te.Cause))
	case tokenclient.KindCanceled:
		what, cause = "interrupted", "interrupted: "+show.err(te.Err)
	case tokenclient.KindAssertion:
		what, cause = "no client assertion", "the client assertion could not be read, so nothing was sent: "+show.field(te.Cause)
		switch w, ok := workloadCause(te.Err, show); {
		case ok && g.hint.identity == "":
			// A ready-made assertion (client_assertion, or its variable or
			// file), read as the value, env and file sources read a token.
			what, cause = "no client assertion", assertionCause(te.Err, g.hint, w, show)+" Nothing was sent to the token endpoint."
		case ok:
			what, cause = "no workload-identity token", w+" Nothing was sent to the token endpoint."
		}
	default:
		what, cause = "could not connect", fmt.Sprintf("%s %s got no answer: %s", transportOp(te.Op), te.TokenURL, show.field(te.Cause))
	}
	status, contentType := "", ""
	if te.StatusCode != 0 {
		status = fmt.Sprintf("%d %s", te.StatusCode, statusText(te.StatusCode))
	}
	body := show.text(te.Body, maxBodyShown)
	switch {
	case te.BinaryBody:
		body = fmt.Sprintf("(%d bytes)", te.BodyLen)
	case body == notShown:
		body = "(the response body is not shown: it echoes a credential)"
	case body == "" && !te.Body.IsZero():
		body = "(empty)"
	case body == "" && te.BodyLen == 0 && te.Kind == tokenclient.KindServer && te.Code.IsZero() && te.Location.IsZero():
		body = "(empty)"
	}
	if body != "" {
		contentType = cmp.Or(show.field(te.ContentType), "(none)")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Requesting a token from %s for client id %q failed.\n\n", te.TokenURL, clientID)
	for _, fact := range [][2]string{
		{"HTTP status", status}, {"Server error", show.text(te.Code, maxCodeShown)}, {"Server description", show.field(te.Description)},
		{"Server error URI", show.field(te.URI)}, {"Redirect location (not followed)", show.field(te.Location)},
		{"Authentication challenge", show.field(te.Challenge)},
		{"Error", cause}, {"Content type", contentType}, {"Body begins", body},
	} {
		if fact[1] != "" {
			fmt.Fprintf(&b, "%s: %s\n", fact[0], fact[1])
		}
	}
	fmt.Fprintf(&b, "\n%s", tokenErrorHint(te, g.hint))
	return diag.NewErrorDiagnostic(summary+": "+what, b.String())
}

// How much of a server's text a token-request diagnostic shows: an OAuth2
// error code is a word (RFC 6749 5.2), a body snippet a glance.
const (
	maxCodeShown = 64
	maxBodyShown = 256
)

// transportOp is the HTTP method of a request in a sentence.
func transportOp(op string) string { return cmp.Or(strings.ToUpper(op), "POST") }

// tokenErrorHint says what to check next.
func tokenErrorHint(e *tokenclient.Error, h grantHint) string {
	switch e.Kind {
	case tokenclient.KindServer:
		return serverErrorHint(e, h)
	case tokenclient.KindResponse:
		return "The endpoint's answer is not an RFC 6749 token response; check that token_url points at an OAuth2 token endpoint."
	case tokenclient.KindTimeout:
		return "Check that token_url is reachable from this machine (proxy settings: HTTPS_PROXY, NO_PROXY) or raise request_timeout."
	case tokenclient.KindCanceled:
		return "Terraform was interrupted before the token endpoint answered."
	case tokenclient.KindAssertion:
		var read *workload.ReadError
		var check *workload.CheckError
		fromFile := errors.As(e.Err, &read) || errors.As(e.Err, &check) && check.File != "" && check.Problem == workload.ProblemEmpty
		if hint, ok := workloadHint(e.Err); ok && !(h.identity == "" && fromFile) {
			return hint
		}
		return "Check that " + EnvClientAssertionFile + " names a file this process can read and that the CI system has written " +
			"the workload-identity token to it (for GitHub Actions, that the job has permission id-token: write)."
	}
	if e.UntrustedCertificate {
		return "The token endpoint's TLS certificate is not trusted. If a private CA signed it, give that CA's certificate in ca_cert_pem; otherwise check that token_url names the right host."
	}
	return "Check that token_url is reachable from this machine and its host name resolves (proxy settings: HTTPS_PROXY, NO_PROXY)."
}

func serverErrorHint(e *tokenclient.Error, h grantHint) string {
	switch code(e) {
	case "invalid_client", "unauthorized_client":
		return clientRefusedHint(h)
	case "invalid_scope":
		if h.workiva {
			return "Check the requested scopes against the scopes of the API grant (Organization Admin > Security > Provisioning in Workiva); scopes are case-sensitive."
		}
		return "Check the requested scopes against those the server allows this client; scopes are case-sensitive."
	case "unsupported_grant_type":
		return "The endpoint does not accept the grant; check grant_type and that token_url is the server's OAuth2 token endpoint."
	case "invalid_grant", "invalid_target":
		return refusedGrantHint(code(e), h)
	case "invalid_request":
		if h.workiva {
			return "The endpoint rejected the request's form; check auth_style (header or body) and api_version against what the endpoint expects."
		}
		return "The endpoint rejected the request's form; check auth_style, audience, resources and extra_params against what the server expects."
	case "access_denied":
		if h.workiva {
			return "The grant may not use the requested scopes or the request came from an address outside the grant's IP restrictions."
		}
		return "The server denied the request: the client may not use the requested scopes or audience, or not from this address."
	}
	switch {
	case !e.Location.IsZero():
		return "Token requests never follow redirects, because that would re-send the credentials. Set token_url to the final address."
	case e.StatusCode == http.StatusNotFound && h.workiva:
		return "Check token_url and api_version: Workiva's current endpoint /oauth2/token needs api_version \"" + DefaultAPIVersion + "\"; the legacy /iam/v1/oauth2/token needs api_version = \"\"."
	case e.StatusCode == http.StatusNotFound:
		return "Check token_url: the server has no token endpoint at that path."
	case e.StatusCode == http.StatusTooManyRequests:
		return "The endpoint is rate limiting; retries were exhausted. Raise max_retries or run fewer Terraform operations at once."
	case e.StatusCode >= 500:
		return "The endpoint had a server-side failure and retries were exhausted; try again later or raise max_retries."
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return clientRefusedHint(h)
	}
	if h.workiva {
		return "Check token_url, auth_style and api_version against what the endpoint expects."
	}
	return "Check token_url and auth_style against what the endpoint expects."
}

// refusedGrantHint says what to check when the server refused the grant
// (invalid_grant) or the resource or audience asked for (invalid_target,
// RFC 8707), from what was sent: a workload-identity token is named only
// when one was.
func refusedGrantHint(code string, h grantHint) string {
	federated := h.grantType == tokenclient.GrantJWTBearer || h.grantType == tokenclient.GrantTokenExchange
	switch {
	case code == "invalid_target" && federated:
		return "The server will not issue a token for the audience or resources asked for: check audience, resources and " +
			"requested_token_type against what its trust relationship for the workload-identity token allows."
	case code == "invalid_target":
		return "The server will not issue a token for the audience or resources asked for (RFC 8707): check audience and " +
			"resources against what it may issue this client."
	case federated:
		return "The server refused the presented workload-identity token: check that it trusts the token's issuer and subject " +
			"(a trust relationship, a federation policy), the token's audience (workload_identity.audience), and audience, " +
			"resources and requested_token_type against what it may issue."
	case h.identity != "":
		return "The server refused the grant. The client authenticated with a workload-identity token (source " + strconv.Quote(string(h.identity)) +
			"): check that the server trusts its issuer and subject for this client, and that the client may use the client_credentials grant."
	}
	return "The server refused the client_credentials grant: check that the client may use it, and audience, resources and " +
		"extra_params against what the server may issue this client."
}

// code is the server's OAuth2 error code when it is one the hints know,
// for deciding which hint fits; "" otherwise.
func code(e *tokenclient.Error) string {
	for _, c := range []string{"invalid_client", "unauthorized_client", "invalid_scope", "unsupported_grant_type", "invalid_grant",
		"invalid_target", "invalid_request", "access_denied"} {
		if e.Code.Is(c) {
			return c
		}
	}
	return ""
}

// clientRefusedHint says what to check when the server refused the
// client: the credential the grant used, where it came from, and, for
// Workiva, what changes a grant's secret.
func clientRefusedHint(h grantHint) string {
	var b strings.Builder
	switch h.style {
	case tokenclient.AuthStylePrivateKeyJWT:
		fmt.Fprintf(&b, "The server refused the assertion signed with the private key (%s). Check that the server holds its public key "+
			"for the client id (%s), under the key id client_assertion_key_id if it asks for one, that it accepts the algorithm "+
			"(client_assertion_alg), and that it expects the assertion's audience (client_assertion_audience; the token URL by default).",
			h.keyFrom, h.idFrom)
	case tokenclient.AuthStyleClientAssertion:
		fmt.Fprintf(&b, "The server refused the client assertion (%s). Check that the server trusts the assertion's issuer for the "+
			"client id (%s) (a federated credential or trust relationship), that the assertion's audience and subject are the ones "+
			"it expects, and that the assertion has not expired: workload-identity tokens live minutes.", h.assertionFrom, h.idFrom)
	case tokenclient.AuthStyleClientSecretJWT:
		fmt.Fprintf(&b, "The server refused the assertion signed with the client secret (%s, HS256). Check that the client id (%s) "+
			"may use client_secret_jwt on the server, that the secret is the current one, and that the server expects the "+
			"assertion's audience (client_assertion_audience; the token URL by default).", h.secretFrom, h.idFrom)
	case tokenclient.AuthStyleTLSClientAuth:
		fmt.Fprintf(&b, "The server refused the client certificate (%s). Check that it is the certificate registered for the client "+
			"id (%s) and that the endpoint asks for client certificates.", h.certFrom, h.idFrom)
	default:
		fmt.Fprintf(&b, "Check the client id (%s) and the client secret (%s)", h.idFrom, h.secretFrom)
		if h.workiva {
			b.WriteString(": the secret of a Workiva API grant is shown once and changes when it is regenerated or the grant's " +
				"username changes. Also check that the grant has not expired and that this machine's address is in the grant's IP restrictions.")
		} else {
			b.WriteString(", that the client may use the client_credentials grant, and auth_style: some servers take the secret only " +
				"in a Basic header (\"header\"), others only in the body (\"body\"); \"auto\" tries both.")
		}
	}
	return b.String()
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "(non-standard status)"
}

// Configuration.

// grantSummary names a named grant in a summary.
func grantSummary(summary, grant string) string {
	if grant == defaultGrant {
		return summary
	}
	return summary + " for grant " + strconv.Quote(grant)
}

// inGrant says where a grant's setting is, for details.
func inGrant(grant string) string {
	if grant == defaultGrant {
		return "in the provider block"
	}
	return "in grants[" + strconv.Quote(grant) + "]"
}

func missingClientIDDiagnostic(grant string) diag.Diagnostic {
	detail := "The provider needs the client id of an API grant. Set client_id in the provider block or the " + EnvClientID +
		" environment variable, or configure grants."
	if grant != defaultGrant {
		detail = "Grant " + strconv.Quote(grant) + " has no client_id, and the provider block has none to inherit. Set client_id in its entry."
	}
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "client_id"), grantSummary("Missing client_id", grant), detail)
}

func missingCredentialDiagnostic(grant string) diag.Diagnostic {
	detail := "The provider needs a credential of the API grant. Set the " + EnvClientSecret + " environment variable (preferred) " +
		"or client_secret in the provider block; or authenticate without a secret: workload_identity (a CI system's OIDC token), " +
		"client_assertion_key_pem (private_key_jwt), client_assertion, " + EnvClientAssertion + " or " + EnvClientAssertionFile + ", or " +
		"client_certificate_pem with auth_style = \"tls_client_auth\"."
	if grant != defaultGrant {
		detail = "Grant " + strconv.Quote(grant) + " has no credential: set client_secret, workload_identity, client_assertion_key_pem, client_assertion, " +
			"or client_certificate_pem with auth_style = \"tls_client_auth\" in its entry. An entry with its own client_id, or with a " +
			"token_url of another origin (scheme, host, port) than the provider block's endpoint, inherits no credential from the " +
			"provider block or the environment: the provider's credentials are sent only to the provider's token endpoint."
	}
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "client_secret"), grantSummary("Missing client_secret", grant), detail)
}

// emptyAssertionDiagnostic: client_assertion (or the variable it came
// from) holds only white space.
func emptyAssertionDiagnostic(grant, from string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "client_assertion"), grantSummary("Empty client assertion", grant),
		fmt.Sprintf("%s is empty or only white space, so there is no assertion to send, and nothing was sent. Check the step "+
			"that puts the workload-identity token there (for GitLab, the job's id_tokens).", from))
}

// conflictingCredentialsDiagnostic names each credential a grant has, with
// where it came from (the provider block, a grants entry, a variable).
func conflictingCredentialsDiagnostic(grant string, present []string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "auth_style"), grantSummary("Conflicting client credentials", grant),
		fmt.Sprintf("The %s has %s. A grant authenticates in one way: keep the credential auth_style should use and remove "+
			"or unset the others (a grants entry without its own client_id inherits the provider-level credential, "+
			"environment variables included).", grantNoun(grant), joinAnd(present)))
}

// secretWithoutUseDiagnostic: auth_style names a method without a secret,
// yet a secret is set.
func secretWithoutUseDiagnostic(grant, style, secretFrom string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "auth_style"), grantSummary("Conflicting client credentials", grant),
		fmt.Sprintf("The %s uses auth_style = %q, which sends no client secret, yet a client secret is set (%s). Remove or "+
			"unset the secret, or choose an auth_style that sends it.", grantNoun(grant), style, secretFrom))
}

// grantNoun names a grant in a sentence.
func grantNoun(grant string) string {
	if grant == defaultGrant {
		return "provider-level grant"
	}
	return "grant " + strconv.Quote(grant)
}

// joinAnd joins items as "a", "a and b", "a, b and c".
func joinAnd(items []string) string { return joinWords(items, "and") }

// joinWords joins items with commas and conj before the last: "a, b or c".
func joinWords(items []string, conj string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// notKnownYet says which attributes are not known until apply, as a
// reason for credentialsNotKnownDiagnostic: whose ("the provider",
// `grant "x"'s`), in the singular or the plural.
func notKnownYet(whose string, names []string) string {
	if len(names) == 1 {
		return whose + " attribute " + names[0] + " is not known until apply"
	}
	return whose + " attributes " + joinAnd(names) + " are not known until apply"
}

func styleNeedsDiagnostic(grant, style, need string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, need), grantSummary("Missing "+need, grant),
		fmt.Sprintf("auth_style = %q %s needs %s.", style, inGrant(grant), need))
}

func noDefaultGrantDiagnostic(names []string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("grant"), "No default grant",
		"This workiva_token sets no grant, and the provider block has no credentials of its own (no client_id). "+
			"Set grant to one of the provider's grants: "+quoteNames(names)+".")
}

func unknownGrantDiagnostic(name string, names []string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("grant"), "Unknown grant",
		fmt.Sprintf("grant is %q, which is not among the provider's grants: %s.", name, quoteNames(names)))
}

func quoteNames(names []string) string {
	if len(names) == 0 {
		return "(none: the provider has no grants)"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func unknownRegionDiagnostic(from, region string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("region"), "Unknown region",
		fmt.Sprintf("%s is %q; it must be one of %s.", from, region, quoteList(regionNames)))
}

// invalidTokenURLDiagnostic says why a token_url is not usable. When the
// value may hold a credential (user info, or a value that does not parse),
// the diagnostic is not attached to the attribute: Terraform would print
// the configuration line under it, key and all.
func invalidTokenURLDiagnostic(at path.Path, from string, err error) diag.Diagnostic {
	detail := fmt.Sprintf("The token endpoint (from %s) is not usable: %s.", from, newShower(nil).err(err))
	if errors.Is(err, tokenclient.ErrURLMayHoldCredential) {
		return diag.NewErrorDiagnostic("Invalid token_url", detail+" (The configuration line is not shown, since it may hold a credential.)")
	}
	return diag.NewAttributeErrorDiagnostic(at, "Invalid token_url", detail)
}

func invalidRequestTimeoutDiagnostic() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("request_timeout"), "Invalid request_timeout",
		"request_timeout must be a positive duration such as \"30s\".")
}

func invalidClientConfigDiagnostic(at path.Path, grant string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(at, grantSummary("Invalid provider configuration", grant), capitalize(newShower(nil).err(err))+".")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// envProtoDataDir makes terraform-plugin-go write every protocol message
// to files, whatever TF_LOG says.
const envProtoDataDir = "TF_LOG_SDK_PROTO_DATA_DIR"

// protoDataDirWarning says what TF_LOG_SDK_PROTO_DATA_DIR makes the plugin
// SDK write, which the provider cannot mask: the protocol messages hold
// values, not log lines.
func protoDataDirWarning(dir string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(envProtoDataDir+" is set: credentials and tokens are written to disk",
		fmt.Sprintf("%s is set to %q, so the plugin SDK (terraform-plugin-go) writes every protocol message between Terraform "+
			"and this provider to files there, unmasked: the access tokens that workiva_token hands over (ephemeral ones "+
			"included) and the credentials the provider block is given in the configuration. The provider cannot keep them out. "+
			"Unset %s unless you are debugging the plugin protocol, and delete the files it wrote.", envProtoDataDir, dir, envProtoDataDir))
}

// Consumers of the provider's data.

func unexpectedProviderDataDiagnostic(what string, got any) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Unexpected "+what+" Configure Type",
		fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", got))
}

func notConfiguredDiagnostic(what string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The workiva provider was not configured before the "+what+". Please report this issue to the provider developers.")
}

func credentialsNotKnownDiagnostic(reason string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider credentials not known yet",
		"The data source cannot be read during plan because "+reason+". "+
			"Make the provider's credentials known at plan time (variables or environment), apply the resources "+
			"they come from first with -target, or use the workiva_token ephemeral resource, which waits for apply.")
}

// Issued tokens.

// tokenWarnings reports what is unusual about an issued token.
func tokenWarnings(tok *tokenclient.Token, tokenURL string, h grantHint, requireScopes bool, scrub *redact.Scrubber, diags *diag.Diagnostics) {
	show := newShower(scrub)
	if missing := tok.MissingScopes(); len(missing) > 0 && tok.ScopeReturned {
		check := "Check the scopes the server allows this client."
		if h.workiva {
			check = "Check the scopes of the API grant (Workiva: Organization Admin > Security > Provisioning)."
		}
		detail := fmt.Sprintf("The server at %s granted %q; missing from the requested scopes: %s. API requests that need "+
			"them will be refused. %s", tokenURL, show.field(tok.Scope), strings.Join(missing, ", "), check)
		if requireScopes {
			diags.AddAttributeError(path.Root("scopes"), "Token granted without required scopes", detail+" (require_scopes is true.)")
		} else {
			diags.AddAttributeWarning(path.Root("scopes"), "Token granted with fewer scopes than requested",
				detail+" Set require_scopes = true to make this an error.")
		}
	}
	switch tok.Lifetime {
	case tokenclient.LifetimeAbsent:
		diags.AddAttributeWarning(path.Root("expires_at"), "Token lifetime unknown",
			"The token response carried no expires_in, so expires_at is null and the provider reuses the token for as long "+
				"as it runs. Treat the token as short-lived.")
	case tokenclient.LifetimeZero:
		diags.AddAttributeWarning(path.Root("expires_at"), "Token may expire at once",
			fmt.Sprintf("The server at %s gave the token expires_in 0, so expires_at is null and the provider does not reuse "+
				"the token: every workiva_token read asks for one of its own. If the server means that the token does not expire, ask its "+
				"administrator to send a lifetime or to leave expires_in out.", tokenURL))
	case tokenclient.LifetimeClamped:
		diags.AddAttributeWarning(path.Root("expires_at"), "Token lifetime capped",
			fmt.Sprintf("The server at %s gave the token expires_in %s seconds, more than a year; the provider takes it to "+
				"live a year (%d seconds, expires_at %s).", tokenURL, show.text(tok.ExpiresInSent, maxCodeShown), tok.ExpiresIn, tok.ExpiresAt.UTC().Format(time.RFC3339)))
	}
	// N_A is what a token exchange calls a token that is no access token
	// (RFC 8693 2.2.1).
	if tok.NotBearer() {
		diags.AddAttributeWarning(path.Root("token_type"), "Token type is not Bearer",
			fmt.Sprintf("The server returned token_type %q. Consumers that send \"Authorization: Bearer\" may be refused.", show.text(tok.TokenType, maxCodeShown)))
	}
}

// shortLifetimeWarning says that even a fresh token lasts less than the
// min_validity a workiva_token asks for.
func shortLifetimeWarning(lifetime, minValidity time.Duration) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("min_validity"), "Token lifetime shorter than min_validity",
		fmt.Sprintf("The server issues tokens that last %s, and min_validity asks for %s: the token handed over has less left "+
			"than asked. It is still shared for half its lifetime before a new one is requested. Lower min_validity, or ask the "+
			"server's administrator for longer-lived tokens.", lifetime, minValidity))
}

// expiryWarning says when the token an ephemeral workiva_token handed to
// its consumers expires (or expired) and what to do about it.
func expiryWarning(p tokenPrivate, now time.Time) diag.Diagnostic {
	at := p.ExpiresAt.UTC().Format(time.RFC3339)
	if now.Before(p.ExpiresAt) {
		return diag.NewWarningDiagnostic("Workiva token expires soon",
			fmt.Sprintf("The access token (requested scope %q) that this run handed to its consumers expires at %s, in %s. "+
				"Terraform cannot give them a new token during this run: operations that use it after that time may "+
				"be refused with HTTP 401. If this run needs longer, split it into shorter applies (for example with "+
				"-target) or move the long-running work out of the apply.",
				p.Scope, at, p.ExpiresAt.Sub(now).Round(time.Second)))
	}
	return diag.NewWarningDiagnostic("Workiva token expired during this run",
		fmt.Sprintf("The access token (requested scope %q) that this run handed to its consumers expired at %s, %s before "+
			"Terraform finished with it. Operations that used it after that time may have been refused (HTTP 401) and "+
			"may need to run again: run terraform apply again for a fresh token, and split long runs into shorter applies.",
			p.Scope, at, now.Sub(p.ExpiresAt).Round(time.Second)))
}

// Workload identity.

// sourceName names a workload-identity source in a sentence.
func sourceName(k workload.Kind) string {
	info, _ := workload.InfoOf(k)
	return cmp.Or(info.Name, string(k))
}

// tokenFrom names where a checked token came from: the variable or the
// file it was read from when there is one.
func tokenFrom(check *workload.CheckError) string {
	switch {
	case check.Variable != "":
		return "the environment variable " + check.Variable
	case check.File != "":
		return "the file " + check.File
	}
	return sourceName(check.Kind)
}

// assertionCause says what went wrong reading a ready-made client
// assertion, named by where it came from; w is workloadCause's sentence,
// for the problems it words well.
func assertionCause(err error, h grantHint, w string, show shower) string {
	var check *workload.CheckError
	var read *workload.ReadError
	from := h.assertionFrom
	switch {
	case errors.As(err, &read):
		return fmt.Sprintf("Reading the client assertion from the file %s (named by %s) failed: %s.", read.File, EnvClientAssertionFile,
			show.err(errors.Unwrap(read.Err)))
	case errors.As(err, &check) && check.File != "":
		from = fmt.Sprintf("the file %s (named by %s)", check.File, EnvClientAssertionFile)
	case errors.As(err, &check) && check.Variable != "":
		from = check.Variable
	case errors.As(err, &check):
	default:
		return w
	}
	switch check.Problem {
	case workload.ProblemEmpty:
		return "The client assertion could not be read: " + from + " is empty or only white space."
	case workload.ProblemExpired:
		return fmt.Sprintf("The client assertion from %s expired at %s.", from, check.Expired.UTC().Format(time.RFC3339))
	case workload.ProblemNotJWT:
		return fmt.Sprintf("The client assertion from %s is not a JWT (a signed JSON Web Token).", from)
	}
	return w
}

// workloadCause says what went wrong obtaining a workload-identity token;
// false when err is no workload error.
func workloadCause(err error, show shower) (string, bool) {
	var missing *workload.MissingError
	var fetch *workload.FetchError
	var check *workload.CheckError
	var invalid *workload.InvalidError
	var read *workload.ReadError
	switch {
	case errors.As(err, &missing):
		return fmt.Sprintf("The workload identity (source %q) needs %s, which is not set.", missing.Kind, missing.Variable), true
	case errors.As(err, &invalid):
		return fmt.Sprintf("The workload identity (source %q) reads %s, which is not %s.", invalid.Kind, invalid.Variable, invalid.Rule), true
	case errors.As(err, &read):
		return fmt.Sprintf("Reading the workload-identity token from the file %s failed: %s.", read.File, show.err(errors.Unwrap(read.Err))), true
	case errors.As(err, &fetch):
		from := sourceName(fetch.Kind)
		switch fetch.Problem {
		case workload.ProblemInsecure:
			return fmt.Sprintf("%s names %s, plain http to a host that is not loopback, so the request, which carries a credential, was not sent.",
				fetch.Variable, fetch.URL), true
		case workload.ProblemNotMetadata:
			return fmt.Sprintf("The answer from %s lacks the header Metadata-Flavor: Google, so it did not come from %s and was not used.", fetch.URL, from), true
		case workload.ProblemTransport:
			return fmt.Sprintf("Requesting a token from %s (%s %s) got no answer: %s.", from, transportOp(fetch.Op), fetch.URL, show.field(fetch.Cause)), true
		}
		if fetch.StatusCode == 0 {
			return fmt.Sprintf("%s's token endpoint %s answered with something other than the JSON document it documents.", from, fetch.URL), true
		}
		return fmt.Sprintf("%s's token endpoint %s answered HTTP %d %s.", from, fetch.URL, fetch.StatusCode, statusText(fetch.StatusCode)), true
	case errors.As(err, &check):
		from := tokenFrom(check)
		switch check.Problem {
		case workload.ProblemExpired:
			return fmt.Sprintf("The token from %s expired at %s.", from, check.Expired.UTC().Format(time.RFC3339)), true
		case workload.ProblemAudience:
			return fmt.Sprintf("The token from %s is for the audience %s, not workload_identity.audience.", from, show.str(quoteNames(check.Audiences))), true
		case workload.ProblemNotJWT:
			return fmt.Sprintf("The token from %s is not a JWT (a signed JSON Web Token).", from), true
		}
		return fmt.Sprintf("The token from %s is empty.", from), true
	}
	return "", false
}

// workloadHint says what the CI system needs; false when err is no
// workload error.
func workloadHint(err error) (string, bool) {
	var missing *workload.MissingError
	var check *workload.CheckError
	switch {
	case errors.As(err, &missing):
		if info, _ := workload.InfoOf(missing.Kind); info.Hint != nil {
			return info.Hint(missing.Variable), true
		}
		return "Set " + missing.Variable + " in the job's environment.", true
	case errors.As(err, &check) && check.Problem == workload.ProblemExpired:
		return "CI tokens live minutes: obtain the token in the same job, shortly before Terraform runs.", true
	case errors.As(err, &check) && check.Problem == workload.ProblemAudience:
		return "Ask the CI system for the audience the token endpoint expects, or set workload_identity.audience to the one it gives.", true
	case errors.As(err, &check):
		return "Check the workload_identity source: it should give the CI system's OIDC token, a JWT.", true
	}
	var fetch *workload.FetchError
	var invalid *workload.InvalidError
	var read *workload.ReadError
	switch {
	case errors.As(err, &fetch) && fetch.Problem == workload.ProblemInsecure:
		return "Identity requests carry the CI system's request token and follow the token endpoint's rule: https, or http only to " +
			"127.0.0.0/8, ::1 and localhost. Check where " + fetch.Variable + " is set.", true
	case errors.As(err, &fetch):
		info, _ := workload.InfoOf(fetch.Kind)
		return cmp.Or(info.FetchHint, "Check the CI system's settings for OIDC tokens."), true
	case errors.As(err, &invalid):
		return "Unset " + invalid.Variable + " or give it as host or host:port, such as 169.254.169.254:80.", true
	case errors.As(err, &read):
		return "Check that workload_identity.file names a file this process can read and that the platform has written the token to it " +
			"(for Kubernetes, the projected service account token volume).", true
	}
	return "", false
}

// grantNeedsIdentityDiagnostic: jwt_bearer and token_exchange present a
// workload-identity token, and none is configured.
func grantNeedsIdentityDiagnostic(grant, grantType string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "workload_identity"), grantSummary("Missing workload_identity", grant),
		fmt.Sprintf("grant_type = %q presents a workload-identity token as the grant; set workload_identity to say where it comes "+
			"from (%s).", grantType, joinWords(workload.Kinds, "or")))
}

// workloadNeedsDiagnostic: a workload_identity source lacks the attribute
// it needs.
func workloadNeedsDiagnostic(grant, source, field string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "workload_identity").AtMapKey(field),
		grantSummary("Missing workload_identity."+field, grant),
		fmt.Sprintf("workload_identity.source = %q needs %s.", source, field))
}
