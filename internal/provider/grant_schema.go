package provider

import (
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// grantAttribute is one attribute of a grant: the provider block's own
// (the default grant) and each entry of grants have the same ones.
type grantAttribute struct {
	name string
	desc string
	// env is the environment variable the provider-level attribute falls
	// back to; fileEnv one that names a file holding the value.
	env, fileEnv string
	// holds says what the value may be, and so every rule about it.
	holds holds
	// endpoint: one of the attributes that say where the grant's server
	// is, which an entry of grants naming its own token endpoint or issuer
	// does not inherit.
	endpoint bool
	// attr is the attribute's type and validators; attribute gives it its
	// description, Optional, and Sensitive as holds says.
	attr schema.Attribute
}

// holds is what an attribute's value may be. It is declared once per
// attribute (and per key of workload_identity), and every rule about a
// credential follows from it, so that a new attribute cannot follow only
// some of them.
type holds int

const (
	// setting: shown in diagnostics, inherited by every entry of grants.
	setting holds = iota
	// clientSetting: part of how the client authenticates (auth_style, the
	// assertion's algorithm and key id, the certificate), not itself a
	// secret: an entry of grants that is another client, or names another
	// party's endpoint, does not inherit it (credentialsBound).
	clientSetting
	// keys: values that are credentials when they look like keys (form
	// fields that may carry an API key next to a tenant name).
	keys
	// credentialName: the name of a file or a variable that holds a
	// credential, where a credential may be written by mistake
	// (WORKIVA_CLIENT_SECRET_FILE for WORKIVA_CLIENT_SECRET).
	credentialName
	// credential: the value may be or hold a credential (a secret, a key,
	// an assertion).
	credential
)

// The rules that follow from keys, credentialName and credential (secret), each
// applied where it is decided, from this declaration and no list:
//   - Sensitive in the schema (providerGrantAttributes, grantsAttribute);
//   - given to the scrubber (holds.addTo), with the environment variables
//     the value may come from (credentialVariables), so that no diagnostic
//     or log line shows it: a credential in any form it decodes to, the
//     key-like values of keys (a tenant's name stays readable), and a
//     key-like file or variable name as it stands (a name's words are
//     ordinary words elsewhere, and a plain name is no credential);
//     the wording names the setting, never repeats its value;
//   - not inherited by an entry of grants that is another client or names
//     another party's endpoint (inheriting, credentialsBound), as a
//     clientSetting is not;
//   - reported without a path, so that Terraform prints no configuration
//     line with it (attrPath, and attribute's pathless validators).

// secret reports whether the attribute's values follow the rules of a
// credential.
func (a grantAttribute) secret() bool {
	return a.holds == keys || a.holds == credentialName || a.holds == credential
}

// addTo gives values that hold h to the scrubber, as h's rule says.
func (h holds) addTo(s *redact.Scrubber, values ...string) {
	switch h {
	case keys:
		s.AddKeys(values...)
	case credentialName:
		s.AddNames(values...)
	case credential:
		s.AddPEM(values...)
	}
}

// grantAttributes are the attributes of a grant, in the order the docs
// list them.
var grantAttributes = []grantAttribute{
	{name: "client_id", env: EnvClientID, attr: schema.StringAttribute{Validators: []validator.String{stringvalidator.LengthAtLeast(1), clientIDValidator}},
		desc: "Client id of the API grant. Required (here, in the `" + EnvClientID + "` environment variable, or in `grants`)."},
	{name: "client_secret", env: EnvClientSecret, holds: credential, attr: nonEmptyString,
		desc: "Client secret of the API grant (Workiva shows it once). Prefer the environment variable or an ephemeral input " +
			"variable, so the secret stays out of configuration and saved plans."},
	{name: "client_secret_file", env: EnvClientSecretFile, holds: credentialName, attr: nonEmptyString,
		desc: "Path of a file holding the client secret, instead of `client_secret` (a Vault Agent template, a mounted " +
			"Kubernetes secret), read for every request, one trailing newline trimmed. It must be a regular file of at most " +
			"64 KiB, or nothing is sent; errors name this setting, never the path."},
	{name: "scopes", attr: schema.SetAttribute{ElementType: types.StringType, Validators: []validator.Set{setvalidator.ValueStringsAre(scopeValidators()...)}},
		desc: "Scopes to request by default, such as `file:read`. Each `workiva_token` may ask for others. When no scopes are " +
			"requested the server grants the API grant's scopes. Each scope is one RFC 6749 scope token: printable ASCII without spaces, `\"` or `\\`."},
	{name: "token_url", env: EnvTokenURL, endpoint: true, attr: schema.StringAttribute{Validators: []validator.String{endpointValidator("token_url")}},
		desc: "Full URL of the token endpoint; overrides `region`. Any RFC 6749 client-credentials endpoint. `https://`, or " +
			"`http://` to loopback hosts; an ASCII host. " +
			"Defaults to `" + EnvTokenURL + "`, then `<region host>/oauth2/token`. Conflicts with `issuer`."},
	{name: "issuer", env: EnvIssuer, endpoint: true,
		attr: schema.StringAttribute{Validators: []validator.String{endpointValidator("issuer"), stringvalidator.ConflictsWith(siblingPath("token_url"))}},
		desc: "The authorization server's issuer identifier, instead of `token_url` and `region` (Okta, Keycloak, Entra ID, Auth0, " +
			"Ory Hydra). Its metadata (RFC 8414, then OpenID Connect Discovery), read once per phase, gives the endpoints and the " +
			"authentication methods `auth_style` is chosen from when unset; its `issuer` must be identical to this value. " +
			"`https://` except for loopback hosts. See the other OAuth2 servers guide."},
	{name: "revocation_url", endpoint: true, attr: schema.StringAttribute{Validators: []validator.String{endpointValidator("revocation_url")}},
		desc: "The revocation endpoint (RFC 7009) that `revoke_on_close` of the `workiva_token` ephemeral resource sends tokens to, " +
			"for servers without discovery; with `issuer`, it overrides the metadata's `revocation_endpoint`. The client " +
			"authenticates there as at the token endpoint. `https://` except for loopback hosts."},
	{name: "auth_style", holds: clientSetting, attr: schema.StringAttribute{Validators: []validator.String{stringvalidator.OneOf(tokenclient.AuthStyles...)}},
		desc: authStyleDocs()},
	{name: "grant_type", attr: schema.StringAttribute{Validators: []validator.String{stringvalidator.OneOf(tokenclient.GrantTypes...)}},
		desc: grantTypeDocs()},
	{name: "subject_token_type", attr: nonEmptyString,
		desc: "`token_exchange`: the `subject_token_type`. Defaults to `" + tokenclient.TokenTypeJWT + "`."},
	{name: "requested_token_type", attr: nonEmptyString,
		desc: "`token_exchange`: the `requested_token_type`, such as `" + tokenclient.TokenTypeAccessToken + "`. Not sent when unset."},
	{name: "audience", attr: nonEmptyString,
		desc: "Sent as the form field `audience` (Auth0 requires it for client credentials)."},
	{name: "resources", attr: schema.ListAttribute{ElementType: types.StringType, Validators: []validator.List{listvalidator.ValueStringsAre(nonEmptyString.Validators...)}},
		desc: "Sent as one `resource` form field each, in order (RFC 8707; Microsoft Entra ID v1)."},
	{name: "extra_params", holds: keys, attr: schema.MapAttribute{ElementType: types.StringType, Validators: []validator.Map{extraParamsValidator}},
		desc: "More form fields for every token request, such as a tenant; protocol fields are refused. Values of fields named " +
			"like credentials (`password`, `api_key`, …) or shaped like keys are masked in every diagnostic and log line, and an " +
			"entry of `grants` that is another client does not inherit them."},
	{name: "client_assertion_key_pem", holds: credential, attr: nonEmptyString,
		desc: "PEM private key for `private_key_jwt`: RSA or EC P-256, PKCS #1, SEC 1 or PKCS #8. Each request carries a new " +
			"JWT signed with it (`iss` = `sub` = the client id, `aud`, `iat`, `exp` 60 s later, a unique `jti`)."},
	{name: "client_assertion_alg", holds: clientSetting, attr: schema.StringAttribute{Validators: []validator.String{stringvalidator.OneOf(tokenclient.AssertionAlgs...)}},
		desc: "Signing algorithm of `private_key_jwt`: `RS256` (default for RSA keys), `PS256`, or `ES256` (default for EC " +
			"keys). It must fit the key."},
	{name: "client_assertion_key_id", holds: clientSetting, attr: nonEmptyString,
		desc: "The `kid` header of `private_key_jwt` assertions, for servers that hold several keys of the client."},
	{name: "client_assertion_audience", attr: nonEmptyString,
		desc: "The `aud` claim of `private_key_jwt` assertions. Defaults to the token URL; some servers want their issuer URL."},
	{name: "client_assertion", env: EnvClientAssertion, fileEnv: EnvClientAssertionFile, holds: credential, attr: nonEmptyString,
		desc: "A ready-made client assertion (a JWT, such as a CI system's OIDC token) for `client_assertion`; at the provider " +
			"level also `" + EnvClientAssertion + "`, or the file `" + EnvClientAssertionFile + "` names, read for every request. " +
			"Checked before it is sent, as a `workload_identity` token is."},
	// workload_identity is a map of strings, not an object, so that a grants
	// map held as map(map(string)) converts (Terraform cannot convert a
	// string map to an entry with an object attribute in it); its
	// validators check the keys and the source.
	{name: "workload_identity", holds: credential, attr: schema.MapAttribute{ElementType: types.StringType, Validators: []validator.Map{
		mapvalidator.KeysAre(stringvalidator.OneOf(identityKeyNames()...)), mapvalidator.ValueStringsAre(nonEmptyString.Validators...),
		workloadSourceValidator}},
		desc: "Where to obtain a workload-identity token (the OIDC token a CI system or platform hands a job), sent as the client " +
			"assertion (RFC 7523), or as the grant with `grant_type` " + joinWords(codeSpans(federatedGrants()), "or") + ", so that a pipeline needs no " +
			"stored secret; a new one per token request, checked before anything is sent. Keys: " + quoteList(identityKeyNames()) +
			"; the sources and what each needs: the pipelines-without-secrets guide."},
	{name: "client_certificate_pem", holds: clientSetting, attr: schema.StringAttribute{Validators: []validator.String{stringvalidator.LengthAtLeast(1), alsoRequires("client_key_pem")}},
		desc: "PEM client certificate presented in the TLS handshake of every token request, with any `auth_style` (mutual " +
			"TLS, `tls_client_auth`). Give `client_key_pem` with it."},
	{name: "dpop", holds: clientSetting, attr: schema.BoolAttribute{},
		desc: "Ask for DPoP-bound tokens (RFC 9449), proved with a key the provider makes in memory (ES256) and never writes. " +
			"Only `workiva_api_proxy` can present such tokens (`token_type` `DPoP`); see the other OAuth2 servers guide."},
	{name: "client_key_pem", holds: credential, attr: schema.StringAttribute{Validators: []validator.String{stringvalidator.LengthAtLeast(1), alsoRequires("client_certificate_pem")}},
		desc: "PEM private key of `client_certificate_pem`; it must match the certificate."},
}

// grantTypeDocs describes grant_type from the grants themselves
// (tokenclient's specs).
func grantTypeDocs() string {
	docs := make([]string, len(tokenclient.GrantTypes))
	for i, g := range tokenclient.GrantTypes {
		docs[i] = "`" + g + "`: " + tokenclient.GrantType(g).Doc()
	}
	return "The OAuth2 grant (`" + tokenclient.GrantTypes[0] + "` when unset). " + strings.Join(docs, "; ") + ". " +
		capitalize(joinAnd(codeSpans(federatedGrants()))) + " need `workload_identity` and authenticate the client only when it " +
		"has a credential (`client_id` is then optional)."
}

// federatedGrants are the grants that present a workload-identity token
// (tokenclient.GrantType.Federated).
func federatedGrants() []string {
	var out []string
	for _, g := range tokenclient.GrantTypes {
		if tokenclient.GrantType(g).Federated() {
			out = append(out, g)
		}
	}
	return out
}

// authStyleDocs describes auth_style from the styles themselves
// (tokenclient's specs): their names, and the one each credential implies
// when it is unset. What each sends (AuthStyle.Doc) is the other OAuth2
// servers guide's table, which TestGuidesDescribeEveryStyleAndSource keeps whole.
func authStyleDocs() string {
	implied := make([]string, len(tokenclient.Credentials))
	for i, cred := range tokenclient.Credentials {
		article := "a "
		if strings.ContainsRune("aeiou", rune(cred[0])) {
			article = "an "
		}
		implied[i] = "`" + string(tokenclient.DefaultStyle(cred)) + "` with " + article + string(cred)
	}
	return "How the client authenticates: " + quoteList(tokenclient.AuthStyles) + " (what each sends: the other OAuth2 " +
		"servers guide). When unset, the style the grant's credential implies: " + strings.Join(implied, ", ") +
		" (only when it has no other); with `issuer`, one the server lists."
}

// grantFields are grantModel's fields by tfsdk tag.
var grantFields = tagIndex(reflect.TypeFor[grantModel]())

// value is the attribute's value in g.
func (a grantAttribute) value(g *grantModel) attr.Value { return valueByName(g, grantFields, a.name) }

// set gives the attribute v (of its field's type) in g.
func (a grantAttribute) set(g *grantModel, v attr.Value) {
	fieldByName(g, grantFields, a.name).Set(reflect.ValueOf(v))
}

// workloadIdentityKeys are the keys of workload_identity (the pipelines
// guide describes them), each with what its value may be (the token itself,
// and the name of the file or variable that holds one, are credentials).
var workloadIdentityKeys = []identityKey{
	{"source", setting}, {"audience", setting}, {"tag", credentialName}, {"service_connection_id", setting},
	{"env_var", credentialName}, {"file", credentialName}, {"token", credential},
}

// identityKeyNames are workload_identity's keys.
func identityKeyNames() []string {
	out := make([]string, len(workloadIdentityKeys))
	for i, k := range workloadIdentityKeys {
		out[i] = k.name
	}
	return out
}

// identityKey is one key of workload_identity.
type identityKey struct {
	name  string
	holds holds
}

// credentialValues are the values of g that may be credentials, by what
// their declarations say they hold (grantAttribute.holds, and
// workloadIdentityKeys' for the keys of workload_identity).
func (g *grantModel) credentialValues() map[holds][]string {
	out := map[holds][]string{}
	for _, a := range grantAttributes {
		if !a.secret() {
			continue
		}
		switch v := a.value(g).(type) {
		case types.String:
			out[a.holds] = append(out[a.holds], v.ValueString())
		case types.Map:
			for k, e := range v.Elements() {
				h := a.holds
				if a.name == "workload_identity" {
					i := slices.IndexFunc(workloadIdentityKeys, func(key identityKey) bool { return key.name == k })
					if i < 0 {
						continue
					}
					h = workloadIdentityKeys[i].holds
				}
				if h == keys && namesASecret(k) {
					h = credential // password = "correct horse battery staple"
				}
				s, _ := e.(types.String)
				out[h] = append(out[h], s.ValueString())
			}
		}
	}
	return out
}

// scrubInto gives s every value of g that may be a credential
// (credentialValues), each as its declaration says.
func (g *grantModel) scrubInto(s *redact.Scrubber) {
	for h, values := range g.credentialValues() {
		h.addTo(s, values...)
	}
}

// secretWords are the words of a form field's name that say its value is a
// credential, whatever its shape (a passphrase of words, a short PIN).
var secretWords = []string{"apikey", "auth", "code", "cookie", "credential", "credentials", "key", "passphrase", "passwd", "password",
	"pin", "pwd", "secret", "session", "sig", "signature", "token"}

// namesASecret reports whether a form field's name says its value is a
// credential: one of its words (split at anything but letters and digits,
// and at a lower-case letter followed by an upper-case one) is one of
// secretWords, or ends with one of five letters or more ("api_key",
// "apiKey", "x-auth-token", "accesstoken"; not "monkey").
func namesASecret(name string) bool {
	var words []string
	var w strings.Builder
	for i, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			words, w = append(words, w.String()), strings.Builder{}
			continue
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rune(name[i-1])):
			words, w = append(words, w.String()), strings.Builder{}
		}
		w.WriteRune(unicode.ToLower(r))
	}
	words = append(words, w.String())
	return slices.ContainsFunc(words, func(word string) bool {
		return slices.ContainsFunc(secretWords, func(s string) bool { return word == s || len(s) >= 5 && strings.HasSuffix(word, s) })
	})
}

// credentialVariables are the environment variables that may hold a
// credential or name its file, and what each holds: those of every
// attribute that holds one.
func credentialVariables() map[string]holds {
	out := map[string]holds{}
	for _, a := range grantAttributes {
		if a.secret() && a.env != "" {
			out[a.env] = a.holds
		}
		if a.secret() && a.fileEnv != "" {
			out[a.fileEnv] = credentialName
		}
	}
	return out
}

func alsoRequires(name string) validator.String {
	return stringvalidator.AlsoRequires(siblingPath(name))
}

// nonEmptyString is a string attribute that may not be empty.
var nonEmptyString = schema.StringAttribute{Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}

// attribute is a's schema attribute, optional, with desc, sensitive when it
// holds a credential; its validators report without a path (pathless.go)
// when pathless.
func (a grantAttribute) attribute(desc string, pathless bool) schema.Attribute {
	p, s := pathless, a.secret()
	switch v := a.attr.(type) {
	case schema.StringAttribute:
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Sensitive: s, Validators: unpointedIf(p, v.Validators, asPathlessString)}
	case schema.SetAttribute:
		return schema.SetAttribute{MarkdownDescription: desc, Optional: true, Sensitive: s, ElementType: v.ElementType, Validators: unpointedIf(p, v.Validators, asPathlessSet)}
	case schema.ListAttribute:
		return schema.ListAttribute{MarkdownDescription: desc, Optional: true, Sensitive: s, ElementType: v.ElementType, Validators: unpointedIf(p, v.Validators, asPathlessList)}
	case schema.BoolAttribute:
		return schema.BoolAttribute{MarkdownDescription: desc, Optional: true, Sensitive: s, Validators: unpointedIf(p, v.Validators, asPathlessBool)}
	case schema.MapAttribute:
		return schema.MapAttribute{MarkdownDescription: desc, Optional: true, Sensitive: s, ElementType: v.ElementType, Validators: unpointedIf(p, v.Validators, asPathlessMap)}
	}
	panic("grant attribute " + a.name + " of a type attribute does not know") // the provider's schema, which every test builds, finds it first
}

// providerGrantAttributes are the grant attributes of the provider block:
// the default grant, with their environment variables.
func providerGrantAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, a := range grantAttributes {
		desc := a.desc
		if a.env != "" && !strings.Contains(desc, a.env) {
			desc += " Defaults to the `" + a.env + "` environment variable."
		}
		out[a.name] = a.attribute(desc, a.secret())
	}
	return out
}

// grantsAttribute is the grants attribute: named grants, each with the
// grant attributes, which win over the provider-level ones.
func grantsAttribute() schema.Attribute {
	entry := map[string]schema.Attribute{}
	for _, a := range grantAttributes {
		desc := "Overrides the provider-level `" + a.name + "`."
		if a.holds != setting {
			desc += " Inherited only by the provider's own client (see `grants`)."
		}
		// Inside grants every attribute's validators report without a
		// path: Terraform would point at the provider block's line.
		entry[a.name] = a.attribute(desc, true)
	}
	return schema.MapNestedAttribute{
		MarkdownDescription: "Named grants, for several clients; `workiva_token` picks one with `grant`. " +
			"Each entry takes the grant attributes, which win over the provider-level ones (" + joinAnd(codeSpans(providerWideNames())) +
			" stay provider-wide). It inherits the provider's credentials only when it has no `client_id` of its own and names " +
			"no other server (another origin, another `issuer`). Pass a `sensitive` or `ephemeral` variable (the several-grants guide).",
		Optional:     true,
		NestedObject: schema.NestedAttributeObject{Attributes: entry},
	}
}

// siblingPath is the attribute name beside the one validated: at the root
// for the provider block, in the same entry for an entry of grants.
func siblingPath(name string) path.Expression { return path.MatchRelative().AtParent().AtName(name) }
