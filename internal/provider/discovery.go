package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// issuers are the metadata of the issuers of one Configure: each issuer's
// is fetched once, however many grants name it, so that discovery costs
// one request per issuer per phase, not one per grant or per token.
type issuers struct {
	byIssuer map[string]discovered
	base     tokenclient.DiscoveryConfig
}

type discovered struct {
	md  *tokenclient.Metadata
	err error
}

func (is *issuers) metadata(ctx context.Context, issuer string) (*tokenclient.Metadata, error) {
	if d, ok := is.byIssuer[issuer]; ok {
		return d.md, d.err
	}
	cfg := is.base
	cfg.Issuer = issuer
	md, err := tokenclient.Discover(detachedLogContext(ctx), cfg)
	is.byIssuer[issuer] = discovered{md, err}
	return md, err
}

// applyMetadata completes a grant that names an issuer from the issuer's
// metadata: the token endpoint (its mTLS alias with a client certificate),
// the revocation endpoint unless revocation_url is set, and, when the
// auth style was not chosen, the style the credential implies if the
// server lists it, else the first in the client's order that the server
// lists (Metadata.ChooseStyle); auto stays auto when the server lists both
// secret methods, and is the one it lists otherwise.
// It reports false, with a diagnostic, when the grant cannot be used;
// nothing has been sent to a token endpoint then.
func applyMetadata(ctx context.Context, s *grantSettings, is *issuers, scrub *redact.Scrubber, diags *diag.Diagnostics) bool {
	md, err := is.metadata(ctx, s.issuer)
	if err != nil {
		diags.Append(discoveryErrorDiagnostic(s.name, err, scrub))
		return false
	}
	c := &s.client
	token, revocation := md.Endpoints(c.ClientCertificatePEM != "")
	c.TokenURL = token
	if c.RevocationURL == "" {
		c.RevocationURL = revocation
	}
	if !s.styleImplied || c.AuthStyle == tokenclient.AuthStyleNone {
		return true
	}
	var among []tokenclient.AuthStyle
	tried := tokenclient.AuthStyleAuto.Tries()
	switch {
	case (c.AuthStyle == tokenclient.AuthStyleAuto || c.AuthStyle == tokenclient.DefaultStyle(tokenclient.CredentialSecret)) &&
		!slices.ContainsFunc(tried, func(s tokenclient.AuthStyle) bool { return !md.Supports(s) }):
		// Both listed, and auto or a secret with no auth_style (the
		// header it implies): auto, which tries them as it does anywhere,
		// since a server lists the methods of all its clients and each
		// client may be registered with one (Ory Hydra); what it learns
		// holds for the provider process.
		c.AuthStyle, s.hint.style = tokenclient.AuthStyleAuto, tokenclient.AuthStyleAuto
		return true
	case c.AuthStyle == tokenclient.AuthStyleAuto:
		among = tried // the one listed
	case md.Supports(c.AuthStyle):
		return true
	}
	style, ok := md.ChooseStyle(c.AuthStyle.Needs(), among...)
	if !ok {
		diags.Append(noSupportedMethodDiagnostic(s, md, scrub))
		return false
	}
	c.AuthStyle, s.hint.style = style, style
	return true
}

// discoveryErrorDiagnostic: an issuer's metadata could not be had, said
// per well-known URL tried, with what each answered.
func discoveryErrorDiagnostic(grant string, err error, scrub *redact.Scrubber) diag.Diagnostic {
	show := newDisplay(scrub)
	var de *tokenclient.DiscoveryError
	if !errors.As(err, &de) {
		return diag.NewAttributeErrorDiagnostic(attrPath(grant, "issuer"), grantSummary("Invalid issuer", grant), capitalize(show.err(err))+".")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The provider found no usable metadata for the issuer %s, so it knows no token endpoint and sent nothing.\n", de.Issuer)
	what, hint := "no metadata", ""
	for _, a := range de.Attempts {
		fmt.Fprintf(&b, "\nGET %s: ", a.URL)
		switch a.Problem {
		case tokenclient.ProblemNoAnswer:
			what = "no answer"
			if a.Timeout {
				fmt.Fprintf(&b, "no answer within the request timeout (%s)", show.field(a.Cause))
			} else {
				fmt.Fprintf(&b, "no answer: %s", show.field(a.Cause))
			}
			hint = "Check the issuer's host and port, the network path to it (HTTPS_PROXY, NO_PROXY) and, for a private CA, ca_cert_pem."
		case tokenclient.ProblemStatus:
			fmt.Fprintf(&b, "HTTP %d %s", a.StatusCode, statusText(a.StatusCode))
			if body := show.text(a.Body, maxBodyShown); body != "" {
				fmt.Fprintf(&b, " (%s: %s)", show.field(a.ContentType), body)
			}
			if a.StatusCode >= 300 && a.StatusCode < 400 {
				hint = "Redirects are not followed (RFC 8414 section 3); give the issuer exactly as the server states it."
			}
		case tokenclient.ProblemNotJSON:
			fmt.Fprintf(&b, "HTTP 200 with no JSON metadata document (%s)", show.field(a.ContentType))
		case tokenclient.ProblemOtherIssuer:
			what = "issuer mismatch"
			stated := show.field(a.StatedIssuer)
			if a.StatedIssuer.IsZero() {
				b.WriteString("the document states no issuer")
			} else {
				fmt.Fprintf(&b, "the document states the issuer %q", stated)
			}
			hint = "RFC 8414 section 3.3 lets a client use metadata only when its issuer is identical to the one configured " +
				"(a trailing / counts). If the stated issuer is the server you mean, set issuer to exactly that value."
		case tokenclient.ProblemEndpoint:
			fmt.Fprintf(&b, "its %s is not usable: %s", a.Field, show.field(a.Cause))
			hint = "The provider uses a document's endpoints only when they are absolute URLs of at most 2048 bytes, over " +
				"https (http only to loopback hosts, and never for an https issuer); a document without token_endpoint is not usable."
		}
	}
	if hint == "" {
		hint = "Check that issuer is the server's issuer identifier (the value of \"issuer\" in its " +
			"/.well-known/openid-configuration); for a server without metadata, set token_url (and revocation_url) instead."
	}
	fmt.Fprintf(&b, "\n\n%s", hint)
	return diag.NewAttributeErrorDiagnostic(attrPath(grant, "issuer"), grantSummary("Issuer discovery failed", grant)+": "+what, b.String())
}

// noSupportedMethodDiagnostic: the server lists no authentication method
// that the grant's credential can be sent by.
func noSupportedMethodDiagnostic(s *grantSettings, md *tokenclient.Metadata, scrub *redact.Scrubber) diag.Diagnostic {
	show := newDisplay(scrub)
	cred := s.client.AuthStyle.Needs()
	return diag.NewAttributeErrorDiagnostic(attrPath(s.name, "auth_style"), grantSummary("No authentication method in common", s.name),
		fmt.Sprintf("The issuer %s lists the token endpoint authentication methods %q (token_endpoint_auth_methods_supported), "+
			"and the grant's credential (a %s) can be sent as %s only. Nothing was sent. Give the grant a credential one of the "+
			"listed methods takes, or set auth_style to send it anyway.", md.Issuer, show.field(md.AuthMethods), cred, joinWords(tokenclient.MethodsFor(cred), "or")))
}
