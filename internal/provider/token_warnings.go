package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// This file words what is unusual about an issued token: fewer scopes than
// requested, an unknown, zero or capped lifetime, a token type other than
// Bearer, and expiry during a run.

// narrowedScopeDiagnostic says that the server granted tok fewer scopes
// than requested (missing), as an error or a warning as the caller decides
// (require_scopes).
func narrowedScopeDiagnostic(tok *tokenclient.Token, tokenURL string, h grantHint, missing []string, asError bool, scrub *redact.Scrubber) diag.Diagnostic {
	check := "Check the scopes the server allows this client."
	if h.workiva {
		check = "Check the scopes of the API grant (Workiva: Organization Admin > Security > Provisioning)."
	}
	detail := fmt.Sprintf("The server at %s granted %q; missing from the requested scopes: %s. API requests that need "+
		"them will be refused. %s", tokenURL, newDisplay(scrub).field(tok.Scope), strings.Join(missing, ", "), check)
	if asError {
		return diag.NewAttributeErrorDiagnostic(path.Root("scopes"), "Token granted without required scopes", detail+" (require_scopes is true.)")
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("scopes"), "Token granted with fewer scopes than requested",
		detail+" Set require_scopes = true to make this an error.")
}

// tokenWarnings reports what else is unusual about an issued token: its
// lifetime and its type.
func tokenWarnings(tok *tokenclient.Token, tokenURL string, scrub *redact.Scrubber, diags *diag.Diagnostics) {
	show := newDisplay(scrub)
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
	switch {
	case tok.DPoP():
		diags.AddAttributeWarning(path.Root("token_type"), "DPoP-bound token",
			"The token is bound to the provider's DPoP key (dpop = true): an API takes it only with a proof of that key for "+
				"each request, which no other provider or tool can make. Pass it to consumers through workiva_api_proxy, which "+
				"presents it with a fresh proof for every request.")
	case tok.NotBearer():
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
