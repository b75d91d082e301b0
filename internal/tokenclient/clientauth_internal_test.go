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
		{secretBasic{id, secret}, "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))), url.Values{}},
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
