package provider

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// This file words the errors of a configuration the provider cannot use:
// missing or conflicting credentials, unknown grants and regions, invalid
// values.

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

// clientIDIsSecretDiagnostic: the client id has the shape of a Workiva
// client secret (both are shown on one screen). It points at the provider
// block, never at the line, and does not repeat the value.
func clientIDIsSecretDiagnostic(grant, from string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(grantSummary("Client id looks like a client secret", grant),
		"The client id ("+from+") has the shape of a Workiva client secret (wk_secret: followed by its key), so it was not "+
			"sent anywhere. Put the secret in "+EnvClientSecret+" (or client_secret, client_secret_file), and give the API grant's "+
			"client id as client_id: Workiva shows it beside the secret, a UUID (older grants: hexadecimal). If the secret was "+
			"stored or shared as the client id, regenerate it.")
}

func missingCredentialDiagnostic(grant string) diag.Diagnostic {
	detail := "The provider needs a credential of the API grant. Set the " + EnvClientSecret + " environment variable (preferred) " +
		"or client_secret in the provider block, or name a file that holds it (client_secret_file, " + EnvClientSecretFile + "); or authenticate without a secret: workload_identity (a CI system's OIDC token), " +
		"client_assertion_key_pem (private_key_jwt), client_assertion, " + EnvClientAssertion + " or " + EnvClientAssertionFile + ", or " +
		"client_certificate_pem with auth_style = \"tls_client_auth\"."
	if grant != defaultGrant {
		detail = "Grant " + strconv.Quote(grant) + " has no credential: set client_secret or client_secret_file, workload_identity, client_assertion_key_pem, client_assertion, " +
			"or client_certificate_pem with auth_style = \"tls_client_auth\" in its entry. An entry with its own client_id, or one " +
			"that names another server than the provider block's (a token_url or revocation_url of another origin, an issuer " +
			"other than the provider's), inherits no credential from the provider block or the environment: the provider's " +
			"credentials are sent only to the provider's own server."
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

// unknownRegionDiagnostic does not repeat the value, which is none of the
// regions and may be anything (a secret in the wrong variable).
func unknownRegionDiagnostic(from string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("region"), "Unknown region",
		fmt.Sprintf("%s is not one of %s (in any case).", from, quoteList(regionNames)))
}

// invalidEndpointDiagnostic: an endpoint attribute (endpoints: token_url,
// issuer, revocation_url, a proxy's upstream) from from is not a URL the
// provider sends credentials to. When the value may hold a credential
// (user info, a query, a value that does not parse), the diagnostic is
// not attached to the attribute: Terraform would print the configuration
// line under it, key and all.
func invalidEndpointDiagnostic(at path.Path, attr, from string, err error) diag.Diagnostic {
	noun := endpoints[attr].noun
	detail := fmt.Sprintf("The %s (from %s) is not usable: %s.", noun, from, newDisplay(nil).err(err))
	if errors.Is(err, tokenclient.ErrUserInfo) {
		detail += " Set client_id and the client secret (client_secret or " + EnvClientSecret + ") instead."
	}
	if errors.Is(err, tokenclient.ErrURLMayHoldCredential) {
		return diag.NewErrorDiagnostic("Invalid "+attr, detail+" (The configuration line is not shown, since it may hold a credential.)")
	}
	return diag.NewAttributeErrorDiagnostic(at, "Invalid "+attr, detail)
}

// conflictingEndpointsDiagnostic: two environment variables each name the
// provider's server.
func conflictingEndpointsDiagnostic(a, b string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Conflicting endpoint settings",
		fmt.Sprintf("Both %s and %s are set, and each says where the provider's server is. Unset one of them, or set "+
			"issuer or token_url in the provider block, which wins over both.", a, b))
}

func invalidRequestTimeoutDiagnostic() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("request_timeout"), "Invalid request_timeout",
		"request_timeout must be a positive duration such as \"30s\".")
}

func invalidClientConfigDiagnostic(at path.Path, grant string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(at, grantSummary("Invalid provider configuration", grant), capitalize(newDisplay(nil).err(err))+".")
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
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "workload_identity"),
		grantSummary("Missing workload_identity."+field, grant),
		fmt.Sprintf("workload_identity.source = %q needs %s.", source, field))
}

// upstreamRequiredDiagnostic: workiva_api_proxy has no upstream, and its
// grant's server is not one of Workiva's regions, whose API host it would
// default to.
func upstreamRequiredDiagnostic(grant, tokenURL string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("upstream"), "Missing upstream",
		fmt.Sprintf("workiva_api_proxy forwards to upstream, which defaults to the API host of a Workiva region; the %s's token "+
			"endpoint, %s, is not one of those. Set upstream to the base URL of the API the tokens are for.", grantNoun(grant), tokenURL))
}
