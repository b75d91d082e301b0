package provider

import (
	"cmp"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// defaultGrant is the name of the provider-level grant among the grants.
const defaultGrant = ""

// grantSettings is one grant resolved: what its token client needs.
type grantSettings struct {
	redact.Unprintable
	name   string
	client tokenclient.Config
	scopes []string
	// pending says which values are not known yet; the grant is
	// authenticated once they are.
	pending string
	hint    grantHint
	// identity is the grant's workload-identity source, when it has one.
	identity *workload.Source
	// issuer, when set, is where Configure finds the token endpoint (and
	// the revocation endpoint, and the auth style when styleImplied: the
	// style was not set but implied by the credential).
	issuer       string
	styleImplied bool
}

// clientEnv is what every grant's token client and identity sources are
// built with: the provider-wide settings, the HTTP transport (nil: each
// package's default), the clock and the scrubber, which is told every
// credential they read or derive, and the User-Agent.
type clientEnv struct {
	wide      providerWide
	transport http.RoundTripper
	clock     clock.Clock
	scrub     *redact.Scrubber
	userAgent string
}

// source is a workload-identity source of kind built with env.
func (env clientEnv) source(kind workload.Kind) *workload.Source {
	return &workload.Source{Kind: kind, MaxRetries: env.wide.maxRetries, Timeout: env.wide.timeout, Transport: env.transport,
		Clock: env.clock, Sensitive: env.scrub.Add}
}

// workloadSource reads a grant's workload_identity; nil, with a diagnostic,
// when its source lacks what it needs.
func workloadSource(name string, m types.Map, env clientEnv, diags *diag.Diagnostics) *workload.Source {
	attrs := m.Elements()
	get := func(k string) string {
		v, _ := attrs[k].(types.String)
		return v.ValueString()
	}
	src := env.source(workload.Kind(get("source")))
	for k := range attrs {
		src.Set(k, get(k)) // the validator has refused the keys that are none
	}
	if info, ok := workload.InfoOf(src.Kind); ok && info.Needs != "" && get(info.Needs) == "" {
		diags.Append(workloadNeedsDiagnostic(name, string(src.Kind), info.Needs))
		return nil
	}
	return src
}

// grantHint is what the diagnostics of a failed token request say of the
// grant: how it authenticates, where its values came from, and whether
// its endpoint is Workiva's (whose menus and grants a hint may name).
type grantHint struct {
	grant string
	style tokenclient.AuthStyle
	// grantType is the grant sent; identity the workload-identity source
	// whose token it carried (as the grant or the client assertion), if any.
	grantType tokenclient.GrantType
	identity  workload.Kind
	workiva   bool
	// origins says where the client id and each credential setting came
	// from (origin), the secret and the assertion as they were read (a
	// file, a workload identity); see from.
	origins origin
}

// from says where a setting of the grant came from, in the words of
// origin.of: what an auth style's refusal hint and the diagnostics name.
func (h grantHint) from(setting string) string { return h.origins.of(setting) }

// grantLogName names a grant in log lines.
func grantLogName(grant string) string {
	if grant == defaultGrant {
		return "(provider block)"
	}
	return grant
}

// workivaEndpoint reports whether a grant talks to Workiva's IAM: a region
// endpoint (no token_url), a Workiva host, or api_version set (which the
// local IAM server also takes); never a grant named by its issuer, since
// Workiva's IAM has no metadata.
func workivaEndpoint(tokenURL, issuer types.String, wide providerWide) bool {
	if !issuer.IsNull() {
		return false
	}
	if tokenURL.IsNull() || wide.apiVersion != "" {
		return true
	}
	u, err := tokenclient.ValidateTokenURL(tokenURL.ValueString())
	if err != nil {
		return false
	}
	host := u.Hostname()
	return strings.HasSuffix(host, ".wdesk.com") || strings.HasSuffix(host, ".workiva.com")
}

// attrPath is where a diagnostic about a grant attribute points: the
// attribute, at the root, for the default grant. Terraform prints the
// configuration line a path resolves to, so that a path must never lead to
// a line that may hold a credential: not a sensitive attribute's, and not
// any inside grants, whose entries are an expression (a variable, a map)
// that Terraform cannot point into, and which it resolves to the provider
// block's attribute of the same name instead, its secret included. Those
// diagnostics point at the provider block; their summary names the grant.
func attrPath(grant, name string) path.Path {
	if grant != defaultGrant || sensitiveAttribute(name) {
		return path.Empty()
	}
	return path.Root(name)
}

// sensitiveAttribute reports whether the grant attribute name may hold a
// credential (grantAttribute.secret).
func sensitiveAttribute(name string) bool {
	for _, a := range grantAttributes {
		if a.name == name {
			return a.secret()
		}
	}
	return false
}

// resolveGrant turns a grant's attributes (after inheritance and the
// environment) into a token-client configuration. envAssertionFile is the
// file named by WORKIVA_CLIENT_ASSERTION_FILE for grants that may use it.
func resolveGrant(name string, g grantModel, from origin, env clientEnv, envAssertionFile string, diags *diag.Diagnostics) grantSettings {
	s := grantSettings{name: name}
	wide := env.wide
	if unknown := g.unknownNames(); len(unknown) > 0 {
		s.pending = notKnownYet("the provider", unknown)
		if name != defaultGrant {
			s.pending = notKnownYet("grant "+strconv.Quote(name)+"'s", unknown)
		}
		return s
	}
	c := &s.client
	c.ClientID, c.ClientSecret, c.ClientSecretFile = g.ClientID.ValueString(), g.ClientSecret.ValueString(), g.ClientSecretFile.ValueString()
	c.APIVersion, c.Timeout, c.MaxRetries, c.CACertPEM = wide.apiVersion, wide.timeout, wide.maxRetries, wide.caCertPEM
	c.Transport, c.Clock, c.UserAgent = env.transport, env.clock, env.userAgent
	c.Logger, c.Sensitive, c.SensitiveSecret = tflogLogger{env.scrub}, env.scrub.Add, env.scrub.AddClientCredentials
	c.LogFields = map[string]any{"grant": grantLogName(name), "client_id": c.ClientID}
	c.Audience = g.Audience.ValueString()
	c.Resources = listStrings(g.Resources)
	c.ExtraParams = mapStrings(g.ExtraParams)
	c.AssertionKeyPEM, c.AssertionAlg = g.ClientAssertionKeyPEM.ValueString(), g.ClientAssertionAlg.ValueString()
	c.AssertionKeyID, c.AssertionAudience = g.ClientAssertionKeyID.ValueString(), g.ClientAssertionAudience.ValueString()
	c.ClientCertificatePEM, c.ClientKeyPEM = g.ClientCertificatePEM.ValueString(), g.ClientKeyPEM.ValueString()
	c.DPoP = g.DPoP.ValueBool()
	s.scopes = setStrings(g.Scopes)

	c.GrantType = tokenclient.GrantType(cmp.Or(g.GrantType.ValueString(), string(tokenclient.GrantClientCredentials)))
	c.SubjectTokenType, c.RequestedTokenType = g.SubjectTokenType.ValueString(), g.RequestedTokenType.ValueString()
	federated := c.GrantType.Federated()
	switch {
	case c.ClientID == "" && !federated:
		diags.Append(missingClientIDDiagnostic(name))
	case redact.HasSecretShape(c.ClientID):
		// From WORKIVA_CLIENT_ID, or a value known only now: the
		// validator saw the configuration's.
		diags.Append(clientIDIsSecretDiagnostic(name, from.of("client_id")))
		return s
	}
	c.TokenURL = resolveTokenURL(name, g.TokenURL, from, wide, diags)
	if !g.Issuer.IsNull() {
		s.issuer, c.TokenURL = g.Issuer.ValueString(), ""
		if !wide.apiVersionSet {
			c.APIVersion = "" // Workiva's IAM has no metadata: an issuer is another server
		}
		checkEndpoint(attrPath(name, "issuer"), "issuer", from.of("issuer"), s.issuer, diags)
	}
	if c.RevocationURL = g.RevocationURL.ValueString(); c.RevocationURL != "" {
		checkEndpoint(attrPath(name, "revocation_url"), "revocation_url", from.of("revocation_url"), c.RevocationURL, diags)
	}

	assertion, assertionFrom := g.ClientAssertion.ValueString(), from.of("client_assertion")
	if assertion == "" && envAssertionFile != "" {
		assertionFrom = "the file named by " + EnvClientAssertionFile
	}
	s.hint = grantHint{grant: name, grantType: c.GrantType, workiva: workivaEndpoint(g.TokenURL, g.Issuer, wide), origins: origin{}}
	maps.Copy(s.hint.origins, from)
	s.hint.origins["client_assertion"] = assertionFrom
	if c.ClientSecret == "" && c.ClientSecretFile != "" {
		// Never the file's name: a secret may be written there.
		s.hint.origins["client_secret"] = "the file named by " + from.of("client_secret_file")
	}
	if federated && g.WorkloadIdentity.IsNull() {
		diags.Append(grantNeedsIdentityDiagnostic(name, string(c.GrantType)))
		return s
	}
	if !g.WorkloadIdentity.IsNull() {
		src := workloadSource(name, g.WorkloadIdentity, env, diags)
		if src == nil {
			return s
		}
		fetch := src.Token
		s.identity, s.hint.identity = src, src.Kind
		// The request tokens of GitHub Actions and Azure DevOps, and every
		// token, reach the scrubber when the source reads them
		// (Source.Sensitive).
		switch {
		case federated:
			// The identity token is the grant; the client authenticates
			// with its own credential, if any.
			c.Subject = fetch
		case assertion != "" || envAssertionFile != "":
			diags.Append(conflictingCredentialsDiagnostic(name, []string{"a workload identity (" + from.of("workload_identity") + ")",
				"a client assertion (" + assertionFrom + ")"}))
			return s
		default:
			c.Assertion = fetch
			s.hint.origins["client_assertion"] = "the workload identity, source " + strconv.Quote(string(src.Kind))
		}
	}
	switch {
	case s.hint.identity != "" && !federated:
	case assertion != "" && strings.TrimSpace(assertion) == "":
		diags.Append(emptyAssertionDiagnostic(name, assertionFrom))
		return s
	case assertion != "" || envAssertionFile != "":
		// A ready-made assertion is a workload-identity token like any
		// other: from the value, the variable or the file, read and checked
		// (a JWS, not expired) for every request as the sources do.
		src := env.source(workload.Value)
		switch {
		case assertion == "":
			src.Kind, src.File = workload.File, envAssertionFile
		case from["client_assertion"] == EnvClientAssertion:
			src.Kind, src.EnvVar = workload.Env, EnvClientAssertion
		default:
			src.Value = assertion
		}
		c.Assertion = src.Token
	}
	style, ok := chooseAuthStyle(g.AuthStyle, c, s.hint, federated, diags)
	if ok {
		c.AuthStyle, s.hint.style = style, style
		s.styleImplied = g.AuthStyle.IsNull() || style == tokenclient.AuthStyleAuto
	}
	return s
}

// resolveTokenURL is the grant's token_url, the environment's (provider
// level), or the region's endpoint.
func resolveTokenURL(name string, v types.String, from origin, wide providerWide, diags *diag.Diagnostics) string {
	raw := v.ValueString()
	if raw == "" {
		return wide.tokenURL
	}
	checkEndpoint(attrPath(name, "token_url"), "token_url", from.of("token_url"), raw, diags)
	return raw
}

// chooseAuthStyle is the auth style of a grant: auth_style when set, else
// the one its only credential implies. More than one credential is an
// error naming them, and so is a style whose credential is missing.
func chooseAuthStyle(set types.String, c *tokenclient.Config, h grantHint, federated bool, diags *diag.Diagnostics) (tokenclient.AuthStyle, bool) {
	name := h.grant
	var present []string
	if c.ClientSecret != "" {
		present = append(present, "a client secret ("+h.from("client_secret")+")")
	}
	if c.ClientSecretFile != "" {
		present = append(present, "a client secret file ("+h.from("client_secret_file")+")")
	}
	if c.AssertionKeyPEM != "" {
		present = append(present, "a private key ("+h.from("client_assertion_key_pem")+")")
	}
	if c.Assertion != nil {
		present = append(present, "a client assertion ("+h.from("client_assertion")+")")
	}
	if len(present) > 1 {
		diags.Append(conflictingCredentialsDiagnostic(name, present))
		return "", false
	}
	style := tokenclient.AuthStyle(set.ValueString())
	if set.IsNull() {
		// The style the grant's credential implies (tokenclient says which),
		// a certificate's only when it has no other.
		i := slices.IndexFunc(tokenclient.Credentials, c.Has)
		switch {
		case i >= 0:
			style = tokenclient.DefaultStyle(tokenclient.Credentials[i])
		case federated:
			return tokenclient.AuthStyleNone, true // the grant's token is enough
		default:
			diags.Append(missingCredentialDiagnostic(name))
			return "", false
		}
	}
	// The credential the style needs, the setting that gives it, and
	// whether it is set (tokenclient says each).
	cred := style.Needs()
	switch need := cred.Setting(); {
	case !c.Has(cred) && cred == tokenclient.CredentialSecret:
		diags.Append(missingCredentialDiagnostic(name))
		return "", false
	case !c.Has(cred):
		diags.Append(styleNeedsDiagnostic(name, string(style), need))
		return "", false
	case cred != tokenclient.CredentialSecret && c.Has(tokenclient.CredentialSecret):
		diags.Append(secretWithoutUseDiagnostic(name, string(style), h.from("client_secret")))
		return "", false
	}
	return style, true
}

// clientConfigDiagnostic is a token client's refusal of a grant's
// configuration, on the attribute it concerns.
func clientConfigDiagnostic(name string, err error) diag.Diagnostic {
	attrName := "token_url"
	switch {
	case errors.Is(err, tokenclient.ErrNoCertificates):
		return invalidClientConfigDiagnostic(path.Root("ca_cert_pem"), name, err)
	case errors.Is(err, tokenclient.ErrAssertionAlgMismatch):
		attrName = "client_assertion_alg"
	case errors.Is(err, tokenclient.ErrAssertionKey):
		attrName = "client_assertion_key_pem"
	case errors.Is(err, tokenclient.ErrClientCertificate):
		attrName = "client_key_pem"
	case errors.Is(err, tokenclient.ErrReservedParam):
		attrName = "extra_params"
	case errors.Is(err, tokenclient.ErrSecretTooShort):
		attrName = "client_secret"
	}
	return invalidClientConfigDiagnostic(attrPath(name, attrName), name, err)
}

// listStrings and mapStrings read known collections of strings.
func listStrings(l types.List) []string {
	var out []string
	for _, e := range l.Elements() {
		if v, ok := e.(types.String); ok {
			out = append(out, v.ValueString())
		}
	}
	return out
}

func mapStrings(m types.Map) map[string]string {
	out := map[string]string{}
	for k, e := range m.Elements() {
		if v, ok := e.(types.String); ok {
			out[k] = v.ValueString()
		}
	}
	return out
}
