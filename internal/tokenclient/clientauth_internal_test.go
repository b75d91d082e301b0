package tokenclient

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// Every auth style is one spec: AuthStyles lists each once, each but
// AuthStyleAuto authenticates a request, each names its RFC 8414 methods
// and says what it sends, and the styles auto tries take a secret.
func TestEveryStyleIsOneSpec(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range AuthStyles {
		spec, ok := specOf(AuthStyle(s))
		switch {
		case !ok || seen[s]:
			t.Errorf("auth style %q: no spec, or listed twice", s)
		case (spec.auth == nil) != (spec.style == AuthStyleAuto):
			t.Errorf("auth style %q: auth is nil %v", s, spec.auth == nil)
		case len(spec.methods) == 0 || spec.doc == "":
			t.Errorf("auth style %q: no methods or no doc", s)
		case spec.tried && spec.needs != CredentialSecret:
			t.Errorf("auto tries %q, which takes no secret", s)
		}
		seen[s] = true
	}
	if len(triedByAuto) != 2 || triedByAuto[0] != AuthStyleHeader {
		t.Errorf("auto tries %v; want the header first, then the body", triedByAuto)
	}
	for cred, want := range map[Credential]AuthStyle{CredentialSecret: AuthStyleHeader, CredentialKey: AuthStylePrivateKeyJWT,
		CredentialAssertion: AuthStyleClientAssertion, CredentialCertificate: AuthStyleTLSClientAuth, CredentialNone: AuthStyleNone} {
		if got := DefaultStyle(cred); got != want {
			t.Errorf("DefaultStyle(%q) = %q, want %q", cred, got, want)
		}
	}
}

// Each way of authenticating puts the client's credentials where RFC 6749
// 2.3.1, RFC 7523 2.2 and RFC 8705 2 say, and nowhere else.
func TestClientAuthentications(t *testing.T) {
	const id, secret = "client id/1", "s3:cr&t+"
	for _, tc := range []struct {
		auth   clientAuth
		header string
		form   url.Values
	}{
		// In a Basic header a value goes as written when form-decoding
		// leaves it unchanged, and form-encoded otherwise (basicPart): the
		// secret's + would decode to a space, an id's ':' would end it.
		{secretBasic{id, secret}, "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+url.QueryEscape(secret))), url.Values{}},
		{secretBasic{"3f1c9a2e-8b7d-4e6f-a5c4-0d1e2f3a4b5c", "wk_secret:oa2c:Q7f3Zk9LmP2xR8vT4bWn"}, "Basic " +
			base64.StdEncoding.EncodeToString([]byte("3f1c9a2e-8b7d-4e6f-a5c4-0d1e2f3a4b5c:wk_secret:oa2c:Q7f3Zk9LmP2xR8vT4bWn")), url.Values{}},
		{secretBasic{"urn:client", "100%"}, "Basic " + base64.StdEncoding.EncodeToString([]byte("urn%3Aclient:100%25")), url.Values{}},
		{secretPost{id, secret}, "", url.Values{"client_id": {id}, "client_secret": {secret}}},
		{secretPost{"", secret}, "", url.Values{"client_secret": {secret}}}, // a federated grant without an id, as x/oauth2 sent it
		{jwtAssertion{id: id, style: AuthStyleClientAssertion, assertion: func(context.Context) (string, error) { return "eyJ.a.b", nil }}, "",
			url.Values{"client_id": {id}, "client_assertion_type": {ClientAssertionType}, "client_assertion": {"eyJ.a.b"}}},
		{idOnly{id: id, style: AuthStyleTLSClientAuth}, "", url.Values{"client_id": {id}}},
		{idOnly{style: AuthStyleNone}, "", url.Values{}},
	} {
		h, f := http.Header{}, url.Values{}
		tc.auth.header(h)
		if err := tc.auth.form(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		if h.Get("Authorization") != tc.header || f.Encode() != tc.form.Encode() {
			t.Errorf("%s: header %q form %q", tc.auth.name(), h.Get("Authorization"), f.Encode())
		}
		for k := range f {
			if spec, _ := specOf(AuthStyle(tc.auth.name())); !slices.Contains(spec.fields, k) || !slices.Contains(ReservedParams, k) {
				t.Errorf("%s writes %q, which its fields (and so ReservedParams) do not name", tc.auth.name(), k)
			}
		}
	}
}
