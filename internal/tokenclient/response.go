package tokenclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strconv"
	"strings"
)

// maxResponse is how much of a token endpoint's answer is read.
const maxResponse = 1 << 20

// response is a token endpoint's answer as RFC 6749 5.1 and 5.2 read it:
// the token's fields, the OAuth2 error fields, and extra, the response's
// other members by name.
type response struct {
	accessToken, tokenType, refreshToken  string
	errorCode, errorDescription, errorURI string
	extra                                 func(name string) any
}

// errMissingAccessToken: a 2xx answer without access_token.
var errMissingAccessToken = errors.New("oauth2: server response missing access_token")

// parseResponse is the one reading of a token endpoint's answer, in JSON,
// or as a form when the content type is application/x-www-form-urlencoded
// or text/plain, as golang.org/x/oauth2 reads it (which the provider
// used to exchange through, and whose reading the tests pin): a JSON
// expires_in must be a whole number of seconds within 64 bits, as a number
// or a numeric string; a form's is read by the lifetime rule. It returns
// the response and whether it is an OAuth2 error (a status outside 2xx, or
// an error field in a 2xx answer, as some servers send); an answer that
// does not parse is an error, which a failure status makes an OAuth2 error
// without fields.
func parseResponse(status int, contentType string, body []byte) (r response, oauthErr bool, err error) {
	failure := status < 200 || status > 299
	switch mt, _, _ := mime.ParseMediaType(contentType); mt {
	case "application/x-www-form-urlencoded", "text/plain":
		vals, perr := url.ParseQuery(string(body))
		if perr != nil {
			if failure {
				return response{}, true, nil
			}
			return response{}, false, fmt.Errorf("oauth2: cannot parse response: %w", perr)
		}
		r = response{accessToken: vals.Get("access_token"), tokenType: vals.Get("token_type"), refreshToken: vals.Get("refresh_token"),
			errorCode: vals.Get("error"), errorDescription: vals.Get("error_description"), errorURI: vals.Get("error_uri"),
			extra: func(name string) any { return formValue(vals, name) }}
	default:
		var tj struct {
			AccessToken      string       `json:"access_token"`
			TokenType        string       `json:"token_type"`
			RefreshToken     string       `json:"refresh_token"`
			ExpiresIn        wholeSeconds `json:"expires_in"`
			ErrorCode        string       `json:"error"`
			ErrorDescription string       `json:"error_description"`
			ErrorURI         string       `json:"error_uri"`
		}
		if perr := json.Unmarshal(body, &tj); perr != nil {
			if failure {
				return response{}, true, nil
			}
			return response{}, false, fmt.Errorf("oauth2: cannot parse json: %w", perr)
		}
		raw := map[string]any{}
		_ = json.Unmarshal(body, &raw) // its members are read one by one
		r = response{accessToken: tj.AccessToken, tokenType: tj.TokenType, refreshToken: tj.RefreshToken,
			errorCode: tj.ErrorCode, errorDescription: tj.ErrorDescription, errorURI: tj.ErrorURI,
			extra: func(name string) any { return raw[name] }}
	}
	if failure || r.errorCode != "" {
		return r, true, nil
	}
	if r.accessToken == "" {
		return r, false, errMissingAccessToken
	}
	return r, false, nil
}

// wholeSeconds checks that a JSON expires_in is a whole number of seconds
// within 64 bits, as a number or a numeric string (null or absent is
// none), as x/oauth2 requires; the lifetime itself is the lifetime rule's
// reading of the member (lifetimeOf).
type wholeSeconds struct{}

func (w *wholeSeconds) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	_, err := n.Int64()
	return err
}

// formValue is a form member as the lifetime rule reads it: an integer or
// a decimal number when it is one, else the text ("" when absent).
func formValue(vals url.Values, name string) any {
	v := vals.Get(name)
	switch s := strings.TrimSpace(v); strings.Count(s, ".") {
	case 0:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
	case 1:
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return v
}
