// Package cassettes records and replays token-endpoint exchanges for the
// real-API acceptance tests, with gopkg.in/dnaeon/go-vcr.v4. It redacts
// every credential and token before anything is written, matches replayed
// requests on what is not redacted, labels each cassette with where it was
// recorded, and scans cassettes for anything that still looks secret.
package cassettes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// Placeholders written in place of what is redacted.
const (
	Redacted            = "REDACTED"
	ClientIDPlaceholder = "CLIENT_ID"
	AccessTokenRedacted = "REDACTED-ACCESS-TOKEN"  //nolint:gosec // a placeholder, not a credential
	RefreshRedacted     = "REDACTED-REFRESH-TOKEN" //nolint:gosec // a placeholder, not a credential
)

// Origin says where a cassette was recorded; it is written at the top of
// the file and is part of its name.
type Origin string

// The origins a cassette can have.
const (
	OriginWorkiva  Origin = "workiva"
	OriginLocalIAM Origin = "local-iam"
)

func (o Origin) header() string {
	switch o {
	case OriginLocalIAM:
		return "# Recorded against the LOCAL IAM SERVER (internal/iamserver), NOT against Workiva.\n" +
			"# It stands in until someone records against Workiva (see CONTRIBUTING.md).\n" +
			"# Credentials, tokens and the client id are redacted.\n"
	default:
		return "# Recorded against Workiva's IAM token endpoint.\n" +
			"# Credentials, tokens and the client id are redacted; review before committing (CONTRIBUTING.md).\n"
	}
}

// Path is the cassette file (without .yaml) of a test recorded at origin.
func Path(dir string, origin Origin, test string) string {
	return dir + "/" + string(origin) + "-" + test
}

// secretFormFields are form fields whose values are replaced by Redacted.
var secretFormFields = []string{"client_secret", "refresh_token", "assertion", "client_assertion", "password"}

// secretJSONFields are response fields whose values are replaced.
var secretJSONFields = map[string]string{
	"access_token":  AccessTokenRedacted,
	"refresh_token": RefreshRedacted,
	"id_token":      Redacted,
}

// Redact returns the hook that strips secrets from an interaction before it
// is kept: the Authorization header, client_secret and refresh_token form
// fields, tokens in the response, cookies; the client id is replaced by a
// placeholder wherever it appears, and so is any of the given literal
// secrets.
func Redact(clientID string, secrets ...string) recorder.HookFunc {
	// Every form of every secret (form-encoded, in a Basic header, escaped
	// in JSON or HTML), as the provider's own output scrubber knows them.
	var scrub redact.Scrubber
	for _, sec := range secrets {
		scrub.AddClientCredentials(clientID, sec)
	}
	return func(i *cassette.Interaction) error {
		replaceLiterals := func(s string) string {
			s = scrub.Replace(s, Redacted)
			if clientID != "" {
				s = strings.ReplaceAll(s, clientID, ClientIDPlaceholder)
				s = strings.ReplaceAll(s, url.QueryEscape(clientID), ClientIDPlaceholder)
			}
			return s
		}
		for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
			if i.Request.Headers.Get(h) != "" {
				i.Request.Headers.Set(h, Redacted)
			}
		}
		i.Response.Headers.Del("Set-Cookie")
		if form, err := url.ParseQuery(i.Request.Body); err == nil && len(form) > 0 {
			for _, f := range secretFormFields {
				if form.Has(f) {
					form.Set(f, Redacted)
				}
			}
			if form.Has("client_id") {
				form.Set("client_id", ClientIDPlaceholder)
			}
			i.Request.Body = form.Encode()
			i.Request.Form = form
		}
		i.Request.URL = replaceLiterals(i.Request.URL)
		i.Request.Body = replaceLiterals(i.Request.Body)
		i.Response.Body = replaceLiterals(redactBody(i.Response.Body))
		for k, vs := range i.Response.Headers {
			for n, v := range vs {
				i.Response.Headers[k][n] = replaceLiterals(v)
			}
		}
		return nil
	}
}

// redactBody replaces the values of secretJSONFields in a response body:
// in a JSON document at any depth, or in a form-encoded body (GitHub's
// style, some appliances).
func redactBody(body string) string {
	var doc any
	if json.Unmarshal([]byte(body), &doc) == nil {
		changed := false
		secretFields(doc, func(m map[string]any, field string) {
			m[field], changed = secretJSONFields[field], true
		})
		if out, err := json.Marshal(doc); changed && err == nil {
			return string(out)
		}
		return body
	}
	if form, err := url.ParseQuery(body); err == nil {
		changed := false
		for field, placeholder := range secretJSONFields {
			if form.Has(field) {
				form.Set(field, placeholder)
				changed = true
			}
		}
		if changed {
			return form.Encode()
		}
	}
	return body
}

// secretFields calls visit for every field of secretJSONFields in a JSON
// value, in objects at any depth and in arrays.
func secretFields(v any, visit func(m map[string]any, field string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if _, secret := secretJSONFields[k]; secret {
				visit(x, k)
				continue
			}
			secretFields(e, visit)
		}
	case []any:
		for _, e := range x {
			secretFields(e, visit)
		}
	}
}

// Match matches a request with a recorded one on method, URL and the form
// fields other than the redacted ones and client_id; headers (Authorization
// among them) are not compared.
func Match(r *http.Request, i cassette.Request) bool {
	if r.Method != i.Method || r.URL.String() != i.URL {
		return false
	}
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	got, err1 := url.ParseQuery(string(body))
	want, err2 := url.ParseQuery(i.Body)
	if err1 != nil || err2 != nil {
		return string(body) == i.Body
	}
	for _, f := range append([]string{"client_id"}, secretFormFields...) {
		got.Del(f)
		want.Del(f)
	}
	return got.Encode() == want.Encode()
}

// Marshal returns a cassette MarshalFunc that writes YAML under a comment
// saying where the cassette was recorded.
func Marshal(origin Origin) cassette.MarshalFunc {
	return func(v any) ([]byte, error) {
		b, err := yaml.Marshal(v)
		if err != nil {
			return nil, err
		}
		return append([]byte(origin.header()), b...), nil
	}
}

// Finding is something in a cassette that looks like a secret.
type Finding struct {
	Interaction int // -1 when found in the raw text
	What        string
}

func (f Finding) String() string {
	if f.Interaction < 0 {
		return f.What
	}
	return fmt.Sprintf("interaction %d: %s", f.Interaction, f.What)
}

// textRules catch secrets anywhere in the file, whatever field holds them.
var textRules = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a JSON Web Token", regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)},
	{"a token issued by the local IAM server", regexp.MustCompile(`\b(wk|rt)_[A-Za-z0-9_-]{20,}`)},
	{"HTTP Basic or Bearer credentials", regexp.MustCompile(`(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{12,}`)},
	{"a client_secret, access_token, refresh_token or id_token value", regexp.MustCompile(`(client_secret|access_token|refresh_token|id_token)=([^R&\s"]|R[^E])`)},
}

// Scan reports what in a cassette looks like an unredacted secret: header,
// form and response fields that must hold placeholders, and text anywhere
// that looks like a token or credentials.
func Scan(data []byte) []Finding {
	var out []Finding
	for _, r := range textRules {
		if r.re.Match(data) {
			out = append(out, Finding{Interaction: -1, What: "the file holds " + r.what})
		}
	}
	var c cassette.Cassette
	if err := yaml.Unmarshal(data, &c); err != nil {
		return append(out, Finding{Interaction: -1, What: "not a cassette: " + err.Error()})
	}
	for n, i := range c.Interactions {
		for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
			for _, v := range i.Request.Headers.Values(h) {
				if v != Redacted {
					out = append(out, Finding{n, "request header " + h + " is not " + Redacted})
				}
			}
		}
		if len(i.Response.Headers.Values("Set-Cookie")) > 0 {
			out = append(out, Finding{n, "response sets a cookie"})
		}
		if form, err := url.ParseQuery(i.Request.Body); err == nil {
			for _, f := range secretFormFields {
				if form.Has(f) && form.Get(f) != Redacted {
					out = append(out, Finding{n, "form field " + f + " is not " + Redacted})
				}
			}
			if form.Has("client_id") && form.Get("client_id") != ClientIDPlaceholder {
				out = append(out, Finding{n, "form field client_id is not " + ClientIDPlaceholder})
			}
		}
		var doc any
		if json.Unmarshal([]byte(i.Response.Body), &doc) == nil {
			secretFields(doc, func(m map[string]any, field string) {
				if m[field] != secretJSONFields[field] {
					out = append(out, Finding{n, "response field " + field + " is not " + secretJSONFields[field]})
				}
			})
		} else if form, err := url.ParseQuery(i.Response.Body); err == nil {
			for field, placeholder := range secretJSONFields {
				if form.Has(field) && form.Get(field) != placeholder {
					out = append(out, Finding{n, "form-encoded response field " + field + " is not " + placeholder})
				}
			}
		}
	}
	return out
}
