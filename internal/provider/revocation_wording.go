package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// This file words revoke_on_close: asked for with no revocation endpoint,
// a revocation that failed, and a token that is not revoked because it is
// in state.

// noRevocationEndpointDiagnostic: revoke_on_close with no revocation
// endpoint known. Nothing was requested.
func noRevocationEndpointDiagnostic(grant string) diag.Diagnostic {
	where := "the provider block"
	if grant != defaultGrant {
		where = inGrant(grant)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("revoke_on_close"), grantSummary("No revocation endpoint", grant),
		"revoke_on_close = true needs a revocation endpoint (RFC 7009), and none is known for this grant: its server was not "+
			"found from an issuer whose metadata states a revocation_endpoint, and revocation_url is not set. Set issuer (for a "+
			"server with metadata) or revocation_url in "+where+", or remove revoke_on_close. Workiva's IAM has no revocation "+
			"endpoint; its tokens expire after 10 minutes. No token was requested.")
}

// revocationFailedWarning: the revocation endpoint did not revoke the
// token. The token is no longer handed out; it stays valid until it
// expires.
func revocationFailedWarning(g *grant, err error, scrub *redact.Scrubber) diag.Diagnostic {
	show := newDisplay(scrub)
	var te *tokenclient.Error
	if !errors.As(err, &te) {
		return diag.NewWarningDiagnostic(grantSummary("Token not revoked", g.name), capitalize(show.err(err))+".")
	}
	cause := ""
	switch {
	case te.StatusCode != 0:
	case te.Kind == tokenclient.KindNotSent:
		cause = "the client's credential could not be read, so nothing was sent: " + show.field(te.Cause)
	default:
		cause = fmt.Sprintf("%s %s got no answer: %s", transportOp(te.Op), te.Endpoint, show.field(te.Cause))
	}
	return diag.NewWarningDiagnostic(grantSummary("Token not revoked", g.name),
		fmt.Sprintf("Revoking the token at %s (revoke_on_close) failed. The provider no longer hands the token out, and it "+
			"stays valid until it expires.\n\n%s\nCheck that the revocation endpoint belongs to the token endpoint's server "+
			"and accepts the client's authentication (%s).", te.Endpoint, answerFacts(te, cause, show), g.hint.style))
}

// revocationKeptWarning: revoke_on_close, and a workiva_token data source
// stored the same token in state, where it must stay usable.
func revocationKeptWarning(grant string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(grantSummary("Token not revoked", grant),
		"revoke_on_close = true, but a workiva_token data source handed the same token over (same grant and scopes), "+
			"and it is stored in the state, so it is not revoked. Give the data source other scopes or another grant, or use "+
			"the ephemeral resource alone, for the token to be revoked.")
}

// revocationLostWarning: Close found no token to revoke for the resource
// (Terraform closed it in another provider process than the one that
// opened it).
func revocationLostWarning() diag.Diagnostic {
	return diag.NewWarningDiagnostic("Token not revoked",
		"revoke_on_close = true, but this provider process did not open the token that Terraform closed, so it cannot "+
			"revoke it; it stays valid until it expires. This is a fault of the provider or of Terraform; please report it.")
}
