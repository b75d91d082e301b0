package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"github.com/clientcreds/terraform-provider-workiva/internal/echoes"
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

// The property of issue 21, with producers the scrubber has never heard of
// (internal/echoes: other languages' escapes, text encodings, wraps,
// interleavings, fragments, hex and base64): however a token endpoint
// writes the echo, in an error body, an error_description, a
// WWW-Authenticate challenge or a 2xx page, no diagnostic and no TRACE log
// line of Configure or of a data source's Read shows it. What "shows"
// means is decided here, independently of internal/redact: the echo as
// written, or any 12 letters and digits in a row of the secret, once the
// output is Unicode-normalised and stripped of everything else.
func TestNoCredentialInAnyProducedEcho(t *testing.T) {
	secrets := []string{"sk_live_51Hc8ZtL2eZvKYlo2C0QmRk7n\n", `Zm9v+YmFy/c2VjcmV0ZXh0cmE=`, `päss wörd "quoted" <b>&amp;</b> 0123456789`}
	secrets = append(secrets, randomSecrets(`abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.~+/=!&%"<>\ éü`, rand.NewPCG(17, 4), 3, 28, 16)...)
	clients, srv := secretClients(t, secrets)
	shapes := []func(echo string) iamserver.Fault{
		func(echo string) iamserver.Fault {
			return iamserver.Fault{Status: 400, ContentType: "text/plain", Body: echo}
		},
		func(echo string) iamserver.Fault {
			b, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": echo})
			return iamserver.Fault{Status: 401, ContentType: "application/json", Body: string(b)}
		},
		func(echo string) iamserver.Fault {
			return iamserver.Fault{Status: 401, ContentType: "text/plain", Body: "unauthorized",
				Header: http.Header{"Www-Authenticate": {`Basic realm="` + strings.ToValidUTF8(strings.Map(headerSafe, echo), "?") + `"`}}}
		},
		func(echo string) iamserver.Fault {
			return iamserver.Fault{Status: 200, ContentType: "text/html", Body: "<html><body><pre>" + echo + "</pre></body></html>"}
		},
	}
	var outputs, withheld int
	for i, c := range clients {
		diags, _, data := configure(t, c.ID, c.Secret, srv.TokenURL(), "body")
		if diags.HasError() || data == nil {
			t.Fatalf("configure %q: %s", c.ID, diagText(diags))
		}
		for j, p := range echoes.Producers {
			message := p.Message(c.Secret)
			fault := shapes[(i+j)%len(shapes)](message)
			for where, text := range echoOutputs(t, srv, data, c, "body", fault) {
				outputs++
				if how := shownEcho(text, message, c.Secret); how != "" {
					t.Fatalf("secret %q echoed as %s (HTTP %d): the %s show %s:\n%s", c.Secret, p.Name, fault.Status, where, how, text)
				}
				if strings.Contains(text, "not shown: it echoes a credential") {
					withheld++
				}
			}
		}
	}
	if withheld < outputs*3/4 {
		t.Errorf("only %d of %d outputs withhold the echo: it did not reach them", withheld, outputs)
	}
	t.Logf("%d secrets × %d producers: %d outputs checked, %d withhold the echo", len(secrets), len(echoes.Producers), outputs, withheld)
}

// headerSafe keeps a header value sendable: no line breaks or NULs.
func headerSafe(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return ' '
	}
	return r
}

// shownEcho says how text shows the echo of secret, or "" when it does
// not: the echo's text, or 12 letters and digits in a row of the secret.
func shownEcho(text, echo, secret string) string {
	if len(echo) >= 8 && strings.Contains(text, strings.TrimSpace(echo)) {
		return "the echo as written"
	}
	letters := func(s string) []rune {
		var out []rune
		for _, r := range norm.NFKD.String(s) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, unicode.ToLower(r))
			}
		}
		return out
	}
	sk, out := letters(secret), string(letters(text))
	for i := 0; i+12 <= len(sk); i++ {
		if strings.Contains(out, string(sk[i:i+12])) {
			return "the secret's letters and digits " + strconv.Quote(string(sk[i:i+12]))
		}
	}
	return ""
}
