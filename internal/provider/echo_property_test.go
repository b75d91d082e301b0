package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// echoSecrets are client secrets over an alphabet of every character that
// some encoder changes: / + & = % " ' < > \, space, non-ASCII and
// astral-plane characters; fixed ones and generated ones from a fixed seed.
func echoSecrets() []string {
	fixed := []string{"Zm9v+YmFy/c2VjcmV0=", `a'b"c<d>e&f=g%h\i/j+k l`, "päss wörd 🔑𝄞 ok", `%41&#43;\u0041&amp;+`}
	return append(fixed, randomSecrets(`/+&=%"'<>\ abcXYZ019éü✓🔑𝄞`, rand.NewPCG(5, 8), 16, 10, 24)...)
}

// An encoder is how some server writes a value it echoes. None of them
// comes from internal/redact: they are other languages' and libraries'
// ways of writing text, so that the property does not merely prove the
// scrubber's own list.
type encoder struct {
	name string
	enc  func(string) string
}

var echoEncoders = []encoder{
	{"as is", func(s string) string { return s }},
	{"Go encoding/json", func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }},
	{"Go html/template", func(s string) string {
		var b bytes.Buffer
		_ = template.Must(template.New("").Parse(`{{.}}`)).Execute(&b, s)
		return b.String()
	}},
	{"html.EscapeString", html.EscapeString},
	{"PHP json_encode", func(s string) string { return jsonEscapeASCII(s, true) }},
	{"Python json.dumps", func(s string) string { return jsonEscapeASCII(s, false) }},
	{"decimal entities", func(s string) string { return entities(s, "&#%d;") }},
	{"hex entities", func(s string) string { return entities(s, "&#x%X;") }},
	{"form", url.QueryEscape},
	{"percent (lower hex)", func(s string) string { return percentAll(s, "%%%02x") }},
	{"percent (upper hex)", func(s string) string { return percentAll(s, "%%%02X") }},
}

// jsonEscapeASCII writes s as PHP's json_encode (slash true: \/ too) or
// Python's json.dumps with ensure_ascii do: every non-ASCII character as
// \uXXXX, astral ones as surrogate pairs.
func jsonEscapeASCII(s string, slash bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '/' && slash:
			b.WriteString(`\/`)
		case r < 0x20 || r > 0x7e:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// entities writes every character that is not a letter or digit as a
// numeric character reference.
func entities(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, format, r)
		}
	}
	return b.String()
}

// percentAll percent-encodes every byte that is not a letter or digit.
func percentAll(s, format string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, format, c)
		}
	}
	return b.String()
}

// echoedValues are the values in which a request carries the secret and
// which a server may echo: the secret, its form-encoding as sent in a
// body, and the Basic header in base64's four alphabets, with and without
// the RFC 6749 form-encoding and with and without its "Basic" label.
func echoedValues(id, secret string) []string {
	out := []string{secret, url.QueryEscape(secret)}
	for i, pair := range []string{url.QueryEscape(id) + ":" + url.QueryEscape(secret), id + ":" + secret} {
		for j, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			v := enc.EncodeToString([]byte(pair))
			if (i+j)%2 == 0 {
				v = "Basic " + v
			}
			out = append(out, v)
		}
	}
	return out
}

// The property: whatever the secret, and however a token endpoint writes
// the echo of it (every encoder above, of every value that carries it), in
// an error body, an error_description or a 2xx page, no diagnostic and no
// TRACE log line of Configure ("Authentication failed") or of a data
// source's Read ("Token request failed") shows it: the echo is withheld or
// masked. It fails when the scrubber matches without decoding first.
func TestNoCredentialInAnyEcho(t *testing.T) {
	secrets := echoSecrets()
	clients, srv := secretClients(t, secrets)

	// The ways an echo reaches the provider: a text or HTML error page (a
	// snippet), an OAuth2 error's description, a 2xx HTML page.
	shapes := []func(echo string) iamserver.Fault{
		func(echo string) iamserver.Fault {
			return iamserver.Fault{Status: 400, ContentType: "text/plain", Body: "bad request: " + echo}
		},
		func(echo string) iamserver.Fault {
			b, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": "unknown credentials " + echo})
			return iamserver.Fault{Status: 401, ContentType: "application/json", Body: string(b)}
		},
		func(echo string) iamserver.Fault {
			return iamserver.Fault{Status: 200, ContentType: "text/html", Body: "<html><body><p>Maintenance. You sent: " + echo + "</p></body></html>"}
		},
		func(echo string) iamserver.Fault {
			return iamserver.Fault{Status: 500, ContentType: "application/json", Body: `{"message":"` + echo + `"}`}
		},
	}
	var outputs, withheld, masked int
	for i, c := range clients {
		diags, _, data := configure(t, c.ID, c.Secret, srv.TokenURL(), "body")
		if diags.HasError() || data == nil {
			t.Fatalf("configure %q: %s", c.ID, diagText(diags))
		}
		values := echoedValues(c.ID, c.Secret)
		for j, e := range echoEncoders {
			value := values[(i+j)%len(values)]
			echo := e.enc(value)
			fault := shapes[(i+j)%len(shapes)](echo)
			// What must not appear: the echo as the server wrote it, as a
			// JSON log line holds it, and the secret in its wire forms.
			forbidden := append(wireForms(c.ID, c.Secret), echo, jsonString(echo))
			for where, text := range echoOutputs(t, srv, data, c, "body", fault) {
				outputs++
				for _, f := range forbidden {
					if strings.Contains(text, f) {
						t.Fatalf("secret %q echoed as %s of %q (HTTP %d): the %s show %q:\n%s", c.Secret, e.name, value, fault.Status, where, f, text)
					}
				}
				switch {
				case strings.Contains(text, "not shown: it echoes a credential"):
					withheld++
				case strings.Contains(text, "***"):
					masked++
				}
			}
		}
	}
	// The echoes reached the provider and were withheld or masked there:
	// the test sees the credential's place, not an output that never held it.
	if withheld+masked < outputs*3/4 {
		t.Errorf("only %d withheld and %d masked of %d outputs: the echo did not reach them", withheld, masked, outputs)
	}
	t.Logf("%d secrets × %d encoders: %d outputs checked, %d withheld, %d masked", len(secrets), len(echoEncoders), outputs, withheld, masked)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
