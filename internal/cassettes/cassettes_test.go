package cassettes_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/clientcreds/terraform-provider-workiva/internal/cassettes"
)

const committed = "../provider/testdata/cassettes"

// Every committed cassette is free of anything that looks like a secret.
func TestCommittedCassettesHaveNoSecrets(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(committed, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no cassettes under %s", committed)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, finding := range cassettes.Scan(data) {
			t.Errorf("%s: %s", f, finding)
		}
		name := filepath.Base(f)
		if strings.HasPrefix(name, string(cassettes.OriginLocalIAM)+"-") && !bytes.Contains(data, []byte("NOT against Workiva")) {
			t.Errorf("%s is named as a local recording but does not say so", f)
		}
		if !strings.HasPrefix(name, string(cassettes.OriginLocalIAM)+"-") && !strings.HasPrefix(name, string(cassettes.OriginWorkiva)+"-") {
			t.Errorf("%s: a cassette's name must start with its origin", f)
		}
	}
}

// The scanner fails a cassette with a planted secret, whatever the kind.
func TestScanFindsPlantedSecrets(t *testing.T) {
	clean, err := os.ReadFile(filepath.Join(committed, "local-iam-token.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cassettes.Scan(clean); len(got) != 0 {
		t.Fatalf("the clean cassette has findings: %v", got)
	}
	// Each plant replaces the first occurrence of old with new.
	plants := map[string]struct{ old, new string }{
		"access token in the response":       {cassettes.AccessTokenRedacted, "0b7c5e1f9a2d4c6e8f0a1b3c5d7e9f1a"},
		"Basic credentials in Authorization": {"- REDACTED", "- Basic dGYtaW50ZWdyYXRpb246aHVudGVyMg=="},
		"opaque Authorization value":         {"- REDACTED", "- hunter2"},
		"client_secret in the body":          {"body: grant_type=client_credentials", "body: client_secret=hunter2&grant_type=client_credentials"},
		"refresh token in the response":      {`"token_type":"Bearer"`, `"token_type":"Bearer","refresh_token":"r-1234567890"`},
		"a JWT anywhere":                     {"Pragma:", "X-Debug:\n                - eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eXoifQ.c2lnbmF0dXJl\n            Pragma:"},
		"a local IAM token anywhere":         {"no-store", "no-store wk_AbCdEfGhIjKlMnOpQrStUvWxYz012345"},
		"client id not replaced":             {"body: grant_type=client_credentials", "body: client_id=tf-integration&grant_type=client_credentials"},
		"access token in a nested object":    {`"token_type":"Bearer"`, `"token_type":"Bearer","data":{"tokens":[{"access_token":"opaque-9f8e7d"}]}`},
		"access token in a form response":    {`body: '{"access_token":"REDACTED-ACCESS-TOKEN"`, `body: 'access_token=opaque9f8e7d&x={"access_token":"REDACTED-ACCESS-TOKEN"`},
	}
	for name, plant := range plants {
		t.Run(name, func(t *testing.T) {
			planted := strings.Replace(string(clean), plant.old, plant.new, 1)
			if planted == string(clean) {
				t.Fatal("nothing was planted")
			}
			if got := cassettes.Scan([]byte(planted)); len(got) == 0 {
				t.Errorf("the scanner found nothing in a cassette with %s", name)
			}
		})
	}
}

// Redact leaves nothing the scanner objects to and none of the literals.
func TestRedact(t *testing.T) {
	const id, secret, token = "real-client-id", "real-secret-value", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWFsIn0.c2lnbmF0dXJlcw"
	i := &cassette.Interaction{
		Request: cassette.Request{
			Method:  http.MethodPost,
			URL:     "https://api.app.wdesk.com/oauth2/token",
			Body:    "client_id=" + id + "&client_secret=" + secret + "&grant_type=client_credentials&scope=file%3Aread",
			Headers: http.Header{"Authorization": {"Basic cmVhbC1jbGllbnQtaWQ6cmVhbC1zZWNyZXQtdmFsdWU="}, "Cookie": {"session=abc"}},
		},
		Response: cassette.Response{
			Code:    200,
			Body:    `{"access_token":"` + token + `","refresh_token":"rt-secret-1","token_type":"Bearer","expires_in":599,"note":"client real-client-id"}`,
			Headers: http.Header{"Set-Cookie": {"a=b"}},
		},
	}
	if err := cassettes.Redact(id, secret)(i); err != nil {
		t.Fatal(err)
	}
	out, err := cassettes.Marshal(cassettes.OriginWorkiva)(&cassette.Cassette{Version: cassette.CassetteFormatVersion, Interactions: []*cassette.Interaction{i}})
	if err != nil {
		t.Fatal(err)
	}
	if got := cassettes.Scan(out); len(got) != 0 {
		t.Errorf("findings after redaction: %v\n%s", got, out)
	}
	for _, s := range []string{id, secret, token, "rt-secret-1", "session=abc", "cmVhbC1jbGllbnQtaWQ"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("%q survived redaction", s)
		}
	}
	if form, _ := url.ParseQuery(i.Request.Body); form.Get("scope") != "file:read" || form.Get("grant_type") != "client_credentials" {
		t.Errorf("redaction changed the fields replay matches on: %v", form)
	}
	if !bytes.HasPrefix(out, []byte("# Recorded against Workiva")) {
		t.Errorf("no origin header:\n%s", out)
	}
}

// Tokens in a form-encoded response and in nested JSON are redacted too.
func TestRedactFormAndNestedResponses(t *testing.T) {
	for name, body := range map[string]string{
		"form":   "access_token=opaque-access-1&token_type=bearer&refresh_token=opaque-refresh-1&expires_in=599",
		"nested": `{"result":{"access_token":"opaque-access-1"},"items":[{"refresh_token":"opaque-refresh-1"}]}`,
	} {
		i := &cassette.Interaction{
			Request:  cassette.Request{Method: http.MethodPost, URL: "https://api.app.wdesk.com/oauth2/token", Body: "grant_type=client_credentials"},
			Response: cassette.Response{Code: 200, Body: body},
		}
		if err := cassettes.Redact("id", "secret")(i); err != nil {
			t.Fatal(err)
		}
		out, err := cassettes.Marshal(cassettes.OriginWorkiva)(&cassette.Cassette{Version: cassette.CassetteFormatVersion, Interactions: []*cassette.Interaction{i}})
		if err != nil {
			t.Fatal(err)
		}
		if got := cassettes.Scan(out); len(got) != 0 {
			t.Errorf("%s: findings after redaction: %v\n%s", name, got, out)
		}
		for _, s := range []string{"opaque-access-1", "opaque-refresh-1"} {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("%s: %q survived redaction", name, s)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	recorded := cassette.Request{
		Method: http.MethodPost,
		URL:    "https://api.app.wdesk.com/oauth2/token",
		Body:   "client_id=CLIENT_ID&client_secret=REDACTED&grant_type=client_credentials&scope=file%3Aread",
	}
	req := func(method, u, body string) *http.Request {
		r, err := http.NewRequest(method, u, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []struct {
		name string
		r    *http.Request
		want bool
	}{
		{"same fields, real credentials", req(http.MethodPost, recorded.URL, "client_id=abc&client_secret=xyz&grant_type=client_credentials&scope=file%3Aread"), true},
		{"credentials in a header instead", req(http.MethodPost, recorded.URL, "grant_type=client_credentials&scope=file%3Aread"), true},
		{"other scope", req(http.MethodPost, recorded.URL, "grant_type=client_credentials&scope=graph%3Aread"), false},
		{"other grant", req(http.MethodPost, recorded.URL, "grant_type=refresh_token&scope=file%3Aread"), false},
		{"other URL", req(http.MethodPost, "https://api.eu.wdesk.com/oauth2/token", "grant_type=client_credentials&scope=file%3Aread"), false},
		{"other method", req(http.MethodGet, recorded.URL, ""), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := cassettes.Match(tc.r, recorded); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
			if tc.r.Body != nil {
				if b, _ := io.ReadAll(tc.r.Body); tc.r.Method == http.MethodPost && len(b) == 0 {
					t.Error("Match consumed the request body")
				}
			}
		})
	}
}
