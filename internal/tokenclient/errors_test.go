package tokenclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// The kind of a failure comes from what the transport saw, not from the
// wording of x/oauth2's errors: a 2xx answer whose body could not be read to
// the end is a connection failure, not an unusable response; a 2xx answer
// read in full that holds no token is an unusable response.
func TestKindFromWhatTheTransportSaw(t *testing.T) {
	cases := []struct {
		name string
		body func() io.ReadCloser
		want tokenclient.ErrorKind
	}{
		{"connection reset while reading a 200 body", func() io.ReadCloser { return &brokenBody{} }, tokenclient.KindConnection},
		{"200 body read in full without a token", func() io.ReadCloser { return io.NopCloser(strings.NewReader(`{"token_type":"Bearer"}`)) }, tokenclient.KindResponse},
		{"200 body that is not JSON", func() io.ReadCloser { return io.NopCloser(strings.NewReader(`{"access_token":`)) }, tokenclient.KindResponse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tokenclient.New(tokenclient.Config{
				TokenURL: "https://iam.test/oauth2/token", ClientID: "id", ClientSecret: "secret", MaxRetries: 0,
				Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
					return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: tc.body(), Request: r}, nil
				}),
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Token(context.Background(), nil)
			var te *tokenclient.Error
			if !errors.As(err, &te) || te.Kind != tc.want {
				t.Fatalf("got %v, want kind %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "tok-cut-off") {
				t.Errorf("error text carries the token: %v", err)
			}
		})
	}
}

// A text from the server that echoes a credential is withheld whole when it
// is shown (redact.Output.Show): the whole text the error keeps is checked
// before it is cut, so a credential that straddles the cut is caught too,
// and a description or challenge that echoes one is dropped; and nothing
// the error formats to holds it.
func TestWithheldWhenItEchoesACredential(t *testing.T) {
	const secret = "SECRETVALUE-0123456789-SECRETVALUE"
	var scrub redact.Scrubber
	scrub.Add(secret)
	for _, tc := range []struct {
		status   int
		ct, body string
		header   http.Header
		withheld []string
	}{
		{400, "text/plain", "<p>" + strings.Repeat("x", 240) + secret + "</p>", nil, []string{"body"}},
		{200, "text/html", "<p>" + strings.Repeat("x", 240) + secret + "</p>", nil, []string{"body"}},
		{401, "application/json", `{"error":"invalid_client","error_description":"bad ` + secret + `"}`,
			http.Header{"Www-Authenticate": {`Basic realm="` + secret + `"`}}, []string{"description", "challenge"}},
		// Far beyond what is kept, an echo is not looked for (nor shown).
		{502, "text/plain", strings.Repeat("z", 100<<10) + secret, nil, nil},
		{400, "application/json", `{"error":"invalid_request","error_description":"` + strings.Repeat("d", 100<<10) + secret + `"}`, nil, nil},
	} {
		c, err := tokenclient.New(tokenclient.Config{
			TokenURL: "https://iam.test/oauth2/token", ClientID: "id", ClientSecret: "s", MaxRetries: 0,
			Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				h := http.Header{"Content-Type": {tc.ct}}
				for k, v := range tc.header {
					h[k] = v
				}
				return &http.Response{StatusCode: tc.status, Header: h, Body: io.NopCloser(strings.NewReader(tc.body)), Request: r}, nil
			}),
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Token(context.Background(), nil)
		var te *tokenclient.Error
		if !errors.As(err, &te) {
			t.Fatalf("HTTP %d: got %v", tc.status, err)
		}
		o := scrub.Output()
		var withheld []string
		for _, f := range []struct {
			name        string
			text        redact.Untrusted
			limit, most int
		}{{"description", te.Description, redact.FieldLimit, 1100}, {"body", te.Body, 256, 300}, {"challenge", te.Challenge, redact.FieldLimit, 1100}} {
			text, w := o.Show(f.text, f.limit)
			if w {
				withheld = append(withheld, f.name)
			}
			if len(text) > f.most {
				t.Errorf("HTTP %d: the %s is shown whole (%d bytes)", tc.status, f.name, len(text))
			}
		}
		slices.Sort(withheld)
		slices.Sort(tc.withheld)
		if !slices.Equal(withheld, tc.withheld) {
			t.Errorf("HTTP %d: withheld %v, want %v", tc.status, withheld, tc.withheld)
		}
		if text := fmt.Sprintf("%+v %s", *te, te.Error()); strings.Contains(text, "SECRET") {
			t.Errorf("HTTP %d: the error formats to the echo: %s", tc.status, text)
		}
	}
}
