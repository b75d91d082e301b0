package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver/iamtest"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// propertySecrets are client secrets with every character that encodings
// change (: / + & = % " \, spaces, non-ASCII, markup), fixed ones and
// generated ones from a fixed seed.
func propertySecrets() []string {
	fixed := []string{`a:b/c+d&e=f%g"h\i j`, `päss wörd ✓ 🔑 ok`, `%41%42+&==%%`, `"quoted" \back\slash/`, `<b>x</b>&amp;'y'`}
	return append(fixed, randomSecrets(`:/+&=%"\ abcXYZ019éü✓<>'?#`, rand.NewPCG(11, 23), 12, 12, 30)...)
}

// randomSecrets makes n secrets of minLen to minLen+spread characters of
// alphabet, from a fixed seed.
func randomSecrets(alphabet string, seed rand.Source, n, minLen, spread int) []string {
	runes := []rune(alphabet)
	rng := rand.New(seed)
	var out []string
	for range n {
		r := make([]rune, minLen+rng.IntN(spread))
		for i := range r {
			r[i] = runes[rng.IntN(len(runes))]
		}
		out = append(out, string(r))
	}
	return out
}

// wireForms lists, independently of internal/redact, the forms in which a
// client secret travels or is echoed: raw, form-urlencoded (either hex
// case), percent-encoded, inside a Basic header (with and without the RFC
// 6749 form-encoding, in every base64 alphabet), escaped for JSON and HTML.
func wireForms(id, secret string) []string {
	lower := regexp.MustCompile(`%[0-9A-F]{2}`)
	q := url.QueryEscape(secret)
	forms := []string{secret, q, lower.ReplaceAllStringFunc(q, strings.ToLower), url.PathEscape(secret), html.EscapeString(secret)}
	for _, pair := range []string{url.QueryEscape(id) + ":" + q, id + ":" + secret} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			forms = append(forms, enc.EncodeToString([]byte(pair)))
		}
	}
	j, _ := json.Marshal(secret)
	forms = append(forms, string(j[1:len(j)-1]))
	// A TRACE log line is JSON itself: every form again as it reads there.
	for _, f := range forms {
		j, _ := json.Marshal(f)
		forms = append(forms, string(j[1:len(j)-1]))
	}
	return forms
}

// nullValues is every attribute of a schema's object type, null.
func nullValues(typ tftypes.Object) map[string]tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	return vals
}

func diagText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%s\n%s\n", d.Summary(), d.Detail())
	}
	return b.String()
}

// configure runs the provider's Configure for id and secret against
// tokenURL, with a TRACE logger; it returns the diagnostics, the log and
// the provider data.
func configure(t *testing.T, id, secret, tokenURL, authStyle string) (diag.Diagnostics, string, *providerData) {
	t.Helper()
	return configureWith(t, map[string]string{"client_id": id, "client_secret": secret, "token_url": tokenURL, "auth_style": authStyle})
}

// configureWith runs Configure with the given string attributes (and
// max_retries = 0).
func configureWith(t *testing.T, attrs map[string]string) (diag.Diagnostics, string, *providerData) {
	t.Helper()
	p := &WorkivaProvider{version: "test", clock: clock.System()}
	var schema provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &schema)
	typ := schema.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	vals := nullValues(typ)
	for k, v := range attrs {
		vals[k] = tftypes.NewValue(tftypes.String, v)
	}
	vals["max_retries"] = tftypes.NewValue(tftypes.Number, 0)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: schema.Schema, Raw: tftypes.NewValue(typ, vals)}}, &resp)
	data, _ := resp.DataSourceData.(*providerData)
	return resp.Diagnostics, logs.String(), data
}

// read runs the data source's Read for scopes with a TRACE logger.
func read(data *providerData, scopes ...string) (diag.Diagnostics, string) {
	ds := &TokenDataSource{data: data}
	var schema datasource.SchemaResponse
	ds.Schema(context.Background(), datasource.SchemaRequest{}, &schema)
	typ := schema.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	vals := nullValues(typ)
	elems := make([]tftypes.Value, len(scopes))
	for i, s := range scopes {
		elems[i] = tftypes.NewValue(tftypes.String, s)
	}
	vals["scopes"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: schema.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: schema.Schema, Raw: tftypes.NewValue(typ, vals)}}, &resp)
	return resp.Diagnostics, logs.String()
}

// secretClients starts a local IAM server with one client for each secret.
func secretClients(t *testing.T, secrets []string) ([]iamserver.Client, *iamserver.Server) {
	t.Helper()
	var clients []iamserver.Client
	for i, s := range secrets {
		clients = append(clients, iamserver.Client{ID: fmt.Sprintf("echo client/%d", i), Secret: s, Scopes: []string{"file:read", "graph:read"}})
	}
	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{Clients: clients})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return clients, srv
}

// echoOutputs answers a Configure and then a data source's Read (of the
// provider configured as data) with fault, checks that both failed, and
// returns their diagnostics and TRACE logs by where they were seen.
func echoOutputs(t *testing.T, srv *iamserver.Server, data *providerData, c iamserver.Client, style string, fault iamserver.Fault) map[string]string {
	t.Helper()
	srv.Script(fault)
	cdiags, clog, _ := configure(t, c.ID, c.Secret, srv.TokenURL(), style)
	srv.Script(fault)
	rdiags, rlog := read(data, "graph:read")
	if !cdiags.HasError() || !rdiags.HasError() {
		t.Fatalf("the echo (HTTP %d) did not fail", fault.Status)
	}
	return map[string]string{"Configure diagnostics": diagText(cdiags), "Configure log": clog, "Read diagnostics": diagText(rdiags), "Read log": rlog}
}

// The property: whatever the secret, a token endpoint whose error page
// echoes the whole request (headers and body; HTML, JSON or an OAuth2
// error's description; at 400, 401, 500 and 200) never makes the secret
// appear in any of its forms in a diagnostic or a TRACE log line, in
// Configure ("Authentication failed") or in a data source's Read ("Token
// request failed"), with Basic or body credentials.
func TestNoCredentialInAnyForm(t *testing.T) {
	secrets := propertySecrets()
	clients, srv := secretClients(t, secrets)
	var scrubbed, cases int
	for _, c := range clients {
		forms := wireForms(c.ID, c.Secret)
		for _, style := range tokenclient.AuthStyles[:2] { // header, body
			// A configured provider whose token requests echo from now on.
			diags, _, data := configure(t, c.ID, c.Secret, srv.TokenURL(), style)
			if diags.HasError() || data == nil {
				t.Fatalf("configure %q: %s", c.ID, diagText(diags))
			}
			for _, echo := range []iamserver.Echo{iamserver.EchoHTML, iamserver.EchoJSON, iamserver.EchoOAuth} {
				for _, status := range []int{400, 401, 500, 200} {
					outputs := echoOutputs(t, srv, data, c, style, iamserver.Fault{Status: status, Echo: echo})
					for where, text := range outputs {
						cases++
						for _, f := range forms {
							if strings.Contains(text, f) {
								t.Fatalf("secret %q (%s, echo %s, HTTP %d): the %s show it as %q:\n%s", c.Secret, style, echo, status, where, f, text)
							}
						}
						if strings.Contains(text, "***") || strings.Contains(text, "not shown: it echoes a credential") {
							scrubbed++
						}
					}
				}
			}
		}
	}
	// The echoes reached the output and were withheld or masked there: the
	// test sees the credential's place, not an output that never carried it.
	if scrubbed < cases/4 {
		t.Errorf("only %d of %d outputs show a withheld or masked credential; the echo did not reach them", scrubbed, cases)
	}
	t.Logf("%d secrets, %d outputs checked, %d with a withheld or masked credential", len(secrets), cases, scrubbed)
}

// Nothing that holds a credential prints it when formatted.
func TestFormattingHidesCredentials(t *testing.T) {
	const secret = "fmt-secret-7a1c"
	cfg := tokenclient.Config{TokenURL: "https://iam.test/oauth2/token", ClientID: "id", ClientSecret: secret}
	client, err := tokenclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok := &tokenclient.Token{AccessToken: "fmt-access-token-9f", RefreshToken: "fmt-refresh-token-3d", Scope: redact.UntrustedText("file:read")}
	data := &providerData{grants: map[string]*grant{"": {client: client, clientID: "id"}}}
	gm := grantModel{ClientSecret: types.StringValue(secret)}
	model := tokenModel{AccessToken: types.StringValue(tok.AccessToken), Scope: types.StringValue("file:read")}
	for _, v := range []any{cfg, &cfg, client, tok, *tok, data, grantSettings{client: cfg}, gm, providerModel{grantModel: gm}, model, &model, []any{*tok, model}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			for _, s := range []string{secret, tok.AccessToken, tok.RefreshToken} {
				if strings.Contains(out, s) {
					t.Errorf("%s of %T shows a credential: %s", verb, v, out)
				}
			}
		}
	}
}

// Private keys, client assertions (signed or ready-made) and client keys
// are credentials too: an echoing server cannot make the provider show an
// assertion, and no diagnostic or log line holds a key.
func TestNoKeyOrAssertionInOutput(t *testing.T) {
	key := iamtest.RSAKey(t, iamtest.PKCS8)
	ca := iamtest.NewCA(t)
	cert, certKey := ca.ClientCertificate(t, "x")
	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{Clients: []iamserver.Client{{ID: "jwt", PublicKey: key.Public(), ReusableAssertions: true, Scopes: []string{"file:read"}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	readyMade := "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqd3QifQ.c2lnbmF0dXJlLW9mLWEtd29ya2xvYWQtaWRlbnRpdHktdG9rZW4"
	for name, attrs := range map[string]map[string]string{
		"private_key_jwt":  {"client_assertion_key_pem": key.PEM},
		"client_assertion": {"client_assertion": readyMade},
	} {
		for _, echo := range []iamserver.Echo{iamserver.EchoHTML, iamserver.EchoOAuth, iamserver.EchoJSON} {
			attrs["client_id"], attrs["token_url"] = "jwt", srv.TokenURL()
			attrs["client_certificate_pem"], attrs["client_key_pem"] = cert, certKey
			srv.Script(iamserver.Fault{Status: 400, Echo: echo})
			diags, logs, _ := configureWith(t, attrs)
			text := diagText(diags) + logs
			sent := srv.TokenRequests()[len(srv.TokenRequests())-1].Form.Get("client_assertion")
			if sent == "" || !diags.HasError() {
				t.Fatalf("%s: no assertion sent or no failure", name)
			}
			forbidden := append(wireForms("jwt", sent), sent[len(sent)-40:], readyMade)
			for _, pemText := range []string{key.PEM, certKey} {
				lines := strings.Split(strings.TrimSpace(pemText), "\n")
				forbidden = append(forbidden, lines[1:len(lines)-2]...)
			}
			for _, f := range forbidden {
				if strings.Contains(text, f) {
					t.Errorf("%s, echo %s: the output shows %q", name, echo, f)
				}
			}
		}
	}
}
