package workload

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// Endpoint is how a source asks its CI system's token endpoint, as the
// system documents it: the one description that the source's request
// follows (Source.ask) and that internal/iamserver's fake of the system
// answers, so that the two cannot drift apart.
type Endpoint struct {
	Method string
	// URLVariable holds the endpoint's URL, which the system may give with
	// a query already (Given: GitHub's api-version). A metadata endpoint
	// has instead a fixed Path on the host HostVariable names
	// (host[:port]), DefaultHost when it is unset.
	URLVariable                     string
	Given                           string
	HostVariable, DefaultHost, Path string
	// Query are the fields the request adds to the URL, each left out when
	// its value is empty.
	Query []Field
	// TokenVariable holds the job's request token, sent as
	// "Authorization: " + Scheme + token ("Bearer ", or "" for a bare
	// token). Empty: the request carries no credential.
	TokenVariable, Scheme string
	// Header is sent as it stands.
	Header map[string]string
	// Answer is the member of the JSON answer that holds the token; empty
	// when the answer is the token itself, as text.
	Answer string
	// Audience is the aud of every token the system hands out, when the
	// request does not choose it (Azure DevOps').
	Audience string
	// Metadata: Google Cloud's metadata server, asked as Google's clients
	// ask it: over plain http to a link-local host, never through a proxy,
	// and its answer must say Metadata-Flavor: Google.
	Metadata bool
}

// Field is a query field: a fixed Value, or the setting it takes its value
// from (one of Settings).
type Field struct {
	Name, Value, Setting string
}

// value is f's value for s.
func (f Field) value(s Source) string {
	if f.Setting != "" {
		return s.Setting(f.Setting)
	}
	return f.Value
}

// ask obtains a token from the CI system's endpoint e describes.
func (s Source) ask(ctx context.Context, e Endpoint) (string, error) {
	r := request{method: e.Method, header: map[string]string{}, metadata: e.Metadata}
	for k, v := range e.Header {
		r.header[k] = v
	}
	if e.URLVariable != "" {
		names := []string{e.URLVariable}
		if e.TokenVariable != "" {
			names = append(names, e.TokenVariable)
		}
		v, err := s.need(names...)
		if err != nil {
			return "", err
		}
		r.url, r.variable = v[0], e.URLVariable
		if e.TokenVariable != "" {
			s.tell(v[1])
			r.header["Authorization"] = e.Scheme + v[1]
		}
	} else {
		host := cmp.Or(s.getenv(e.HostVariable), e.DefaultHost)
		if !validHostPort(host) {
			return "", &InvalidError{Kind: s.Kind, Variable: e.HostVariable, Rule: "a host name or IP address with an optional :port, nothing else"}
		}
		r.url = "http://" + host + e.Path
	}
	q := url.Values{}
	for _, f := range e.Query {
		if v := f.value(s); v != "" {
			q.Add(f.Name, v)
		}
	}
	if len(q) > 0 {
		// The system's URL may have a query already; keep it.
		sep := "?"
		if strings.Contains(r.url, "?") {
			sep = "&"
		}
		r.url += sep + q.Encode()
	}
	body, err := s.fetch(ctx, r)
	if err != nil || e.Answer == "" {
		return string(body), err
	}
	var answer map[string]any
	err = json.Unmarshal(body, &answer)
	tok, isText := answer[e.Answer].(string)
	if err != nil || answer[e.Answer] != nil && !isText {
		return "", &FetchError{Kind: s.Kind, URL: redact.URL(r.url), Problem: ProblemAnswer, Variable: r.variable,
			Err: errors.New("the answer is not the JSON document the CI system documents")}
	}
	return tok, nil
}

// Endpoints are the sources that ask an endpoint, by kind.
func Endpoints() map[Kind]Endpoint {
	out := map[Kind]Endpoint{}
	for _, info := range infos {
		if info.Endpoint != nil {
			out[info.Kind] = *info.Endpoint
		}
	}
	return out
}
