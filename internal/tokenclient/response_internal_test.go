package tokenclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// rtFunc answers every request itself.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The one reading of a token endpoint's answer reads it exactly as
// golang.org/x/oauth2 v0.38.0 does (which the provider used to exchange
// through, and whose reading the tests pin): whether it is an OAuth2 error
// and its fields, whether it does not parse, the token's fields and the
// members the lifetime rule and the granted scope read. The seeds run in
// every go test; go test -fuzz FuzzResponseReadsAsOAuth2 looks further (a
// review ran it for 60 s, about 600,000 inputs, without a difference).
func FuzzResponseReadsAsOAuth2(f *testing.F) {
	for _, s := range []struct {
		st       int
		ct, body string
	}{
		{200, "application/json", `{"access_token":"abc","expires_in":599,"scope":"file:read","token_type":"Bearer"}`},
		{200, "application/json", `{"access_token":"abc","expires_in":"3599"}`},
		{200, "application/json", `{"access_token":"abc","expires_in":1e3}`},
		{200, "application/json", `null`},
		{200, "text/plain; charset=utf-8", `access_token=abc&expires_in=599&scope=1.5`},
		{200, "application/x-www-form-urlencoded", `access_token=abc&expires_in=x;y`},
		{400, "application/json", `{"error":"invalid_scope"}`},
		{200, "application/json", `{"error":"x","access_token":"abc"}`},
		{500, "text/html", `<h1>down</h1>`},
		{200, "application/json", `{"access_token":"abc","expires_in":" 599 "}`},
		{200, "application/json", `{"access_token":"abc","expires_in":99999999999999999999}`},
		{200, "application/json", `{"access_token":"abc","expires_in":-5,"issued_token_type":"urn:x"}`},
		{200, "application/json", `{"access_token":123}`},
		{200, "application/x-www-form-urlencoded", `access_token=abc&expires_in=99999999999999999999&scope=`},
		{401, "application/x-www-form-urlencoded", `error=invalid_client&error_description=no`},
		{400, "application/x-www-form-urlencoded", `%zz`},
		{200, "", `{"access_token":"abc"}`},
		{302, "text/plain", ``},
		{200, "application/json", ``},
	} {
		f.Add(s.st, s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		hc := &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
			h := http.Header{}
			h.Set("Content-Type", ct)
			return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: h, Body: io.NopCloser(strings.NewReader(string(body))), Request: r}, nil
		})}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
		ot, oerr := (&clientcredentials.Config{ClientID: "id", ClientSecret: "s", TokenURL: "https://x.test/t", AuthStyle: oauth2.AuthStyleInHeader}).Token(ctx)
		r, oauthErr, err := parseResponse(status, ct, body)
		var re *oauth2.RetrieveError
		switch {
		case errors.As(oerr, &re):
			if !oauthErr || r.errorCode != re.ErrorCode || r.errorDescription != re.ErrorDescription || r.errorURI != re.ErrorURI {
				t.Fatalf("x/oauth2 %v; ours oauthErr=%v err=%v r=%+v", oerr, oauthErr, err, r)
			}
		case oerr != nil:
			if oauthErr || err == nil || err.Error()[:20] != oerr.Error()[:20] {
				t.Fatalf("x/oauth2 %v; ours oauthErr=%v err=%v", oerr, oauthErr, err)
			}
		default:
			if oauthErr || err != nil {
				t.Fatalf("x/oauth2 ok; ours oauthErr=%v err=%v", oauthErr, err)
			}
			if r.accessToken != ot.AccessToken || r.tokenType != ot.TokenType || r.refreshToken != ot.RefreshToken {
				t.Fatalf("fields differ")
			}
			for _, k := range []string{"scope", "expires_in", "issued_token_type"} {
				if !reflect.DeepEqual(r.extra(k), ot.Extra(k)) {
					t.Fatalf("extra %s: ours %#v, x/oauth2 %#v", k, r.extra(k), ot.Extra(k))
				}
			}
		}
	})
}
