package workload

import (
	"fmt"
	"net/http"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// MissingError: the environment lacks what the source needs; nothing was
// requested.
type MissingError struct {
	Kind     Kind
	Variable string `shown:"ours"`
}

func (e *MissingError) Error() string { return fmt.Sprintf("%s: %s is not set", e.Kind, e.Variable) }

// FetchError: the CI system's endpoint did not hand out a token, or was not
// asked because the request would break a transport rule.
type FetchError struct {
	Kind Kind
	// URL is the endpoint as it may be shown (query values masked).
	URL string `shown:"ours"`
	// Problem says what went wrong: ProblemAnswer (an answer without a
	// token: StatusCode says which, zero for one that is not the document
	// the CI system documents), ProblemTransport (no answer: Op and Cause),
	// ProblemInsecure (plain http to a host that is not loopback: nothing
	// was sent), ProblemHost (a host that is not ASCII, whose dialled form is
	// another name: Err says which; nothing was sent), ProblemNotMetadata (the answer lacks Metadata-Flavor:
	// Google, so it did not come from the metadata server).
	Problem    string `shown:"ours"`
	StatusCode int
	// Variable is the environment variable that named the endpoint, if one
	// did.
	Variable string `shown:"ours"`
	// Op is the HTTP method of a request that got no answer, and Cause the
	// transport's words for why, without the request URL.
	Op    string `shown:"ours"`
	Cause redact.Untrusted
	Err   error
}

// The problems of a FetchError.
const (
	ProblemAnswer      = "answer"
	ProblemTransport   = "transport"
	ProblemInsecure    = "insecure"
	ProblemHost        = "host not ASCII"
	ProblemNotMetadata = "not the metadata server"
)

// Error gives the facts; what the transport said is left out
// (redact.Placeholder).
func (e *FetchError) Error() string {
	switch e.Problem {
	case ProblemAnswer:
		return fmt.Sprintf("%s: %s answered HTTP %d %s", e.Kind, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	case ProblemTransport:
		return fmt.Sprintf("%s: %s %s: %v", e.Kind, e.Op, e.URL, e.Cause)
	}
	return fmt.Sprintf("%s: %s: %s", e.Kind, e.URL, e.Problem)
}

func (e *FetchError) Unwrap() error { return e.Err }

// InvalidError: a variable the source reads holds no usable value
// (GCE_METADATA_HOST that is not a host[:port], say); nothing was sent.
type InvalidError struct {
	Kind     Kind
	Variable string `shown:"ours"`
	// Rule says what the value should be.
	Rule string `shown:"ours"`
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("%s: %s is not usable: %s", e.Kind, e.Variable, e.Rule)
}

// ReadError: a token file could not be read (credfile.Read's error).
type ReadError struct {
	Kind Kind
	File string `shown:"ours"`
	// NamedBy is the variable that named the file of a platform's token
	// (Info.PlatformToken), when the source fell back to one.
	NamedBy string `shown:"ours"`
	Err     error
}

func (e *ReadError) Error() string { return fmt.Sprintf("%s: reading %s failed", e.Kind, e.File) }
func (e *ReadError) Unwrap() error { return e.Err }

// CheckError: the token obtained is not one to send: empty, not a JWS, its
// exp passed, or its aud lacks the audience. The checks decode only; the
// server verifies the signature.
type CheckError struct {
	Kind Kind
	// Variable or File is where the token was read, when it was read from
	// an environment variable or a file.
	Variable string `shown:"ours"`
	File     string `shown:"ours"`
	// Problem is ProblemEmpty, ProblemNotJWT, ProblemExpired,
	// ProblemAudience or ProblemAudienceUnset.
	Problem string
	// Auto: source Auto found the token (Kind is the source it recognised).
	// NamedBy is the variable that named the file of a platform's token
	// (Info.PlatformToken), when the source fell back to one.
	Auto    bool
	NamedBy string `shown:"ours"`
	// Expired is when the token expired (ProblemExpired); Audiences what it
	// holds (ProblemAudience).
	Expired   time.Time
	Audiences []string
}

// The problems of a CheckError.
const (
	ProblemEmpty    = "empty"
	ProblemNotJWT   = "not a JWT"
	ProblemExpired  = "expired"
	ProblemAudience = "audience"
	// ProblemAudienceUnset: a token the configuration did not choose for
	// this server (what Auto finds, a platform's token for another party)
	// and no audience set to show it is for this one; nothing was sent.
	ProblemAudienceUnset = "audience not set"
)

func (e *CheckError) Error() string {
	switch e.Problem {
	case ProblemExpired:
		return fmt.Sprintf("%s: the token expired at %s", e.Kind, e.Expired.UTC().Format(time.RFC3339))
	case ProblemAudience:
		return fmt.Sprintf("%s: the token's audience is %q", e.Kind, e.Audiences)
	case ProblemAudienceUnset:
		return fmt.Sprintf("%s: the token found is for the audience %q, and no audience is set", e.Kind, e.Audiences)
	}
	return fmt.Sprintf("%s: the token is %s", e.Kind, e.Problem)
}

// NotRecognisedError: source Auto recognised no CI system in the
// environment; nothing was sent. LookedFor says what it looked for, in
// order ("GITHUB_ACTIONS=true (GitHub Actions)").
type NotRecognisedError struct {
	LookedFor []string `shown:"ours"`
}

func (e *NotRecognisedError) Error() string { return "auto: no CI system recognised" }

// CommandError: the command a source runs (buildkite-agent) is not on
// PATH, or failed; nothing was sent.
type CommandError struct {
	Kind    Kind
	Command string `shown:"ours"`
	// Missing reports a command not found on PATH; else ExitCode and what
	// it wrote to standard error.
	Missing  bool
	ExitCode int
	Stderr   redact.Untrusted
	Err      error
}

func (e *CommandError) Error() string {
	if e.Missing {
		return fmt.Sprintf("%s: %s is not on PATH", e.Kind, e.Command)
	}
	return fmt.Sprintf("%s: %s failed (exit code %d)", e.Kind, e.Command, e.ExitCode)
}

func (e *CommandError) Unwrap() error { return e.Err }
