package tokenclient

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// Every auth style says what it needs, once: the table and the list of
// valid styles agree.
func TestEveryStyleSaysWhatItNeeds(t *testing.T) {
	for _, s := range AuthStyles {
		if _, ok := styles[AuthStyle(s)]; !ok {
			t.Errorf("auth style %q has no line in styles", s)
		}
	}
	for s := range styles {
		if !slices.Contains(AuthStyles, string(s)) {
			t.Errorf("styles has %q, which AuthStyles does not list", s)
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
	}
}
