package provider

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// This file words a failed token request: what happened, what the server
// said (through show.go) and what to check next, fitted to the grant.

// tokenErrorDiagnostic turns a failed token request of grant g into an
// error diagnostic: summary is "Authentication failed" (Configure) or
// "Token request failed" (a workiva_token whose scopes differ). Its hint
// fits the grant: how it authenticates, where its values came from, and
// whether its endpoint is Workiva's. What the server or the transport said
// is shown through scrub's Output (show.go).
func tokenErrorDiagnostic(summary string, err error, g *grant, scrub *redact.Scrubber) diag.Diagnostic {
	show := newDisplay(scrub)
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
		what, cause = "no answer in time", fmt.Sprintf("%s %s got no answer within the request timeout (%s)", transportOp(te.Op), te.Endpoint, show.field(te.Cause))
	case tokenclient.KindCanceled:
		what, cause = "interrupted", "interrupted: "+show.err(te.Err)
	case tokenclient.KindNotSent:
		what, cause = "no client assertion", "the client assertion could not be read, so nothing was sent: "+show.field(te.Cause)
		var sfe *tokenclient.SecretFileError
		if errors.As(te.Err, &sfe) {
			what, cause = "no client secret", "The client secret file named by "+g.hint.from("client_secret_file")+" is empty or only white space. Nothing was sent to the token endpoint."
			if !sfe.Empty {
				what, cause = "no client secret", fmt.Sprintf("Reading the client secret from the file named by %s failed: %s. Nothing was sent to the token endpoint.",
					g.hint.from("client_secret_file"), show.err(fileCause(sfe.Err)))
			}
		}
		switch w, ok := workloadCause(te.Err, show); {
		case ok && g.hint.identity == "":
			// A ready-made assertion (client_assertion, or its variable or
			// file), read as the value, env and file sources read a token.
			what, cause = "no client assertion", assertionCause(te.Err, g.hint, w, show)+" Nothing was sent to the token endpoint."
		case ok:
			what, cause = "no workload-identity token", w+" Nothing was sent to the token endpoint."
		}
	default:
		what, cause = "could not connect", fmt.Sprintf("%s %s got no answer: %s", transportOp(te.Op), te.Endpoint, show.field(te.Cause))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Requesting a token from %s for client id %q failed.\n\n", te.Endpoint, clientID)
	b.WriteString(answerFacts(te, cause, show))
	fmt.Fprintf(&b, "\n%s", tokenErrorHint(te, g.hint))
	return diag.NewErrorDiagnostic(summary+": "+what, b.String())
}

// answerFacts are the facts of a failed request, one line each: what the
// server answered (through show) and cause, the words for what happened.
// The token and the revocation requests' diagnostics both give them.
func answerFacts(te *tokenclient.Error, cause string, show display) string {
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
	return b.String()
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
	case tokenclient.KindNotSent:
		if errors.As(e.Err, new(*tokenclient.SecretFileError)) {
			return "Check that client_secret_file (or " + EnvClientSecretFile + ") names a file this process can read, and that the step " +
				"that writes the secret there (a Vault Agent template, a mounted secret) has run."
		}
		if h.identity != "" {
			if hint, ok := workloadHint(e.Err); ok {
				return hint
			}
		}
		return assertionHint(e.Err, h)
	}
	if e.UntrustedCertificate {
		return "The token endpoint's TLS certificate is not trusted. If a private CA signed it, give that CA's certificate in ca_cert_pem; otherwise check that token_url names the right host."
	}
	return "Check that token_url is reachable from this machine and its host name resolves (proxy settings: HTTPS_PROXY, NO_PROXY)."
}

func serverErrorHint(e *tokenclient.Error, h grantHint) string {
	switch knownCode(e) {
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
		return refusedGrantHint(knownCode(e), h)
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
	federated := h.grantType.Federated()
	switch {
	case code == "invalid_target" && federated:
		return "The server will not issue a token for the audience or resources asked for: check audience, resources and " +
			"requested_token_type against what its trust relationship for the workload-identity token allows."
	case code == "invalid_target":
		return "The server will not issue a token for the audience or resources asked for (RFC 8707): check audience and " +
			"resources against what it may issue this client."
	case federated:
		hint := "The server refused the presented workload-identity token: check that it trusts the token's issuer and subject " +
			"(a trust relationship, a federation policy), the token's audience (workload_identity.audience), and audience, " +
			"resources and requested_token_type against what it may issue."
		if info, ok := workload.InfoOf(h.identity); ok && !info.NewPerRequest {
			hint += " Source " + strconv.Quote(string(h.identity)) + " presents the same token until the job rewrites it, and some " +
				"servers accept each JWT once (RFC 7523 section 3: a known jti): an ephemeral workiva_token, opened in plan and again " +
				"in apply, presents it twice. Sources that obtain a new token for every request avoid it: " + joinWords(newPerRequestSources(), "or") + "."
		}
		return hint
	case h.identity != "":
		return "The server refused the grant. The client authenticated with a workload-identity token (source " + strconv.Quote(string(h.identity)) +
			"): check that the server trusts its issuer and subject for this client, and that the client may use the " + grantName(h) + " grant."
	}
	return "The server refused the " + grantName(h) + " grant: check that the client may use it, and audience, resources and " +
		"extra_params against what the server may issue this client."
}

// knownCode is the server's OAuth2 error code when it is one the hints know,
// for deciding which hint fits; "" otherwise.
func knownCode(e *tokenclient.Error) string {
	for _, c := range []string{"invalid_client", "unauthorized_client", "invalid_scope", "unsupported_grant_type", "invalid_grant",
		"invalid_target", "invalid_request", "access_denied"} {
		if e.Code.Is(c) {
			return c
		}
	}
	return ""
}

// clientRefusedHint says what to check when the server refused the
// client: the auth style's own words (its descriptor's), naming where each
// setting came from, or for a secret sent as it stands, the secret's, and,
// for Workiva, what changes a grant's secret.
func clientRefusedHint(h grantHint) string {
	if hint, ok := h.style.RefusedHint(h.from); ok {
		return hint
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Check the client id (%s) and the client secret (%s)", h.from("client_id"), h.from("client_secret"))
	if h.workiva {
		b.WriteString(": the secret of a Workiva API grant is shown once and changes when it is regenerated or the grant's " +
			"username changes. Also check that the grant has not expired and that this machine's address is in the grant's IP restrictions.")
	} else {
		b.WriteString(", that the client may use the client_credentials grant, and auth_style: some servers take the secret only " +
			"in a Basic header (\"header\"), others only in the body (\"body\"); \"auto\" tries both.")
	}
	return b.String()
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "(non-standard status)"
}

// proxyFailure says, in the error body workiva_api_proxy answers a
// consumer with, why its request was not forwarded: a token request's
// failure as tokenErrorDiagnostic words it, or what the transport to the
// upstream said, without the request's URL.
func proxyFailure(err error, g *grant, scrub *redact.Scrubber) string {
	if te := (*tokenclient.Error)(nil); errors.As(err, &te) {
		return clean(tokenErrorDiagnostic("", err, g, scrub).Detail(), scrub)
	}
	op, cause := httpretry.TransportCause(err)
	return clean(strings.TrimSpace(transportOp(op)+" failed: "+newDisplay(scrub).err(cause)), scrub)
}

// grantName is the grant_type the hint's grant sent.
func grantName(h grantHint) string {
	return string(cmp.Or(h.grantType, tokenclient.GrantClientCredentials))
}
