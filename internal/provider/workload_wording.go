package provider

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// This file words what went wrong obtaining a workload-identity token or a
// ready-made client assertion, and what the CI system needs; the sources'
// names and hints come from internal/workload.

// newPerRequestSources are the sources that obtain a new token for every request.
func newPerRequestSources() []string {
	var out []string
	for _, info := range workload.Sources() {
		if info.NewPerRequest {
			out = append(out, string(info.Kind))
		}
	}
	return out
}

// sourceName names a workload-identity source in a sentence.
func sourceName(k workload.Kind) string {
	info, _ := workload.InfoOf(k)
	return cmp.Or(info.Name, string(k))
}

// tokenFrom names where a checked token came from: the variable or the
// file it was read from when there is one.
func tokenFrom(check *workload.CheckError) string {
	switch {
	case check.Variable != "":
		return "the environment variable " + check.Variable
	case check.File != "":
		return fileFrom(check.File, check.NamedBy)
	}
	return sourceName(check.Kind)
}

// fileFrom names a token file: by its path when a platform's variable named
// it (namedBy), and by the setting that names it otherwise, whose value may
// be a token written in the wrong place (a credential slot).
func fileFrom(path, namedBy string) string {
	if namedBy != "" {
		return "the file " + path + " (named by " + namedBy + ")"
	}
	return "the file workload_identity.file names"
}

// assertionCause says what went wrong reading a ready-made client
// assertion, named by where it came from; w is workloadCause's sentence,
// for the problems it words well.
func assertionCause(err error, h grantHint, w string, show display) string {
	var check *workload.CheckError
	var read *workload.ReadError
	from := h.from("client_assertion")
	switch {
	case errors.As(err, &read):
		return fmt.Sprintf("Reading the client assertion from the file named by %s failed: %s.", EnvClientAssertionFile,
			show.err(fileCause(read.Err)))
	case errors.As(err, &check) && check.File != "":
		from = "the file named by " + EnvClientAssertionFile
	case errors.As(err, &check) && check.Variable != "":
		from = check.Variable
	case errors.As(err, &check):
	default:
		return w
	}
	switch check.Problem {
	case workload.ProblemEmpty:
		return "The client assertion could not be read: " + from + " is empty or only white space."
	case workload.ProblemExpired:
		return fmt.Sprintf("The client assertion from %s expired at %s.", from, check.Expired.UTC().Format(time.RFC3339))
	case workload.ProblemNotJWT:
		return fmt.Sprintf("The client assertion from %s is not a JWT (a signed JSON Web Token).", from)
	}
	return w
}

// workloadCause says what went wrong obtaining a workload-identity token;
// false when err is no workload error.
func workloadCause(err error, show display) (string, bool) {
	var missing *workload.MissingError
	var fetch *workload.FetchError
	var check *workload.CheckError
	var invalid *workload.InvalidError
	var read *workload.ReadError
	switch {
	case errors.As(err, &missing) && !isVariableName(missing.Variable):
		// Named by workload_identity.env_var or tag, which hold something
		// else: never repeated, for it may be the token itself.
		return fmt.Sprintf("The workload identity (source %q) reads the variable workload_identity.env_var or tag names, and that "+
			"is no variable's name (letters, digits and _): is the token itself written there?", missing.Kind), true
	case errors.As(err, &missing):
		return fmt.Sprintf("The workload identity (source %q) needs %s, which is not set.", missing.Kind, missing.Variable), true
	case errors.As(err, new(*workload.NotRecognisedError)):
		var none *workload.NotRecognisedError
		errors.As(err, &none)
		return "workload_identity.source = \"auto\" recognised no CI system in the environment; it looked for " +
			strings.Join(none.LookedFor, ", ") + ".", true
	case errors.As(err, new(*workload.CommandError)):
		var cmdErr *workload.CommandError
		errors.As(err, &cmdErr)
		if cmdErr.Missing {
			return fmt.Sprintf("The workload identity (source %q) runs %s, which is not on PATH.", cmdErr.Kind, cmdErr.Command), true
		}
		return fmt.Sprintf("%s exited with code %d: %s.", cmdErr.Command, cmdErr.ExitCode, show.field(cmdErr.Stderr)), true
	case errors.As(err, &invalid):
		return fmt.Sprintf("The workload identity (source %q) reads %s, which is not %s.", invalid.Kind, invalid.Variable, invalid.Rule), true
	case errors.As(err, &read):
		return fmt.Sprintf("Reading the workload-identity token from %s failed: %s.", fileFrom(read.File, read.NamedBy),
			show.err(fileCause(read.Err))), true
	case errors.As(err, &fetch):
		from := sourceName(fetch.Kind)
		switch fetch.Problem {
		case workload.ProblemInsecure:
			return fmt.Sprintf("%s names %s, plain http to a host that is not loopback, so the request, which carries a credential, was not sent.",
				fetch.Variable, fetch.URL), true
		case workload.ProblemHost:
			return fmt.Sprintf("%s names %s, whose %s. The request, which carries a credential, was not sent.", fetch.Variable, fetch.URL,
				show.err(fetch.Err)), true
		case workload.ProblemNotMetadata:
			return fmt.Sprintf("The answer from %s lacks the header Metadata-Flavor: Google, so it did not come from %s and was not used.", fetch.URL, from), true
		case workload.ProblemTransport:
			return fmt.Sprintf("Requesting a token from %s (%s %s) got no answer: %s.", from, transportOp(fetch.Op), fetch.URL, show.field(fetch.Cause)), true
		}
		if fetch.StatusCode == 0 {
			return fmt.Sprintf("%s's token endpoint %s answered with something other than the JSON document it documents.", from, fetch.URL), true
		}
		return fmt.Sprintf("%s's token endpoint %s answered HTTP %d %s.", from, fetch.URL, fetch.StatusCode, statusText(fetch.StatusCode)), true
	case errors.As(err, &check):
		from := tokenFrom(check)
		switch check.Problem {
		case workload.ProblemExpired:
			return fmt.Sprintf("The token from %s expired at %s.", from, check.Expired.UTC().Format(time.RFC3339)), true
		case workload.ProblemAudience:
			return fmt.Sprintf("The token from %s is for the audience %s, not workload_identity.audience.", from, show.str(quoteNames(check.Audiences))), true
		case workload.ProblemAudienceUnset:
			found := "The workload identity (source " + strconv.Quote(string(check.Kind)) + ")"
			if check.Auto {
				found = "workload_identity.source = \"auto\" recognised " + sourceName(check.Kind) + " and"
			}
			return fmt.Sprintf("%s found the token in %s, for the audience %s. A token the configuration did not choose for this "+
				"server is sent only when workload_identity.audience is set and the token holds it, so nothing was sent.",
				found, from, show.str(quoteNames(check.Audiences))), true
		case workload.ProblemNotJWT:
			return fmt.Sprintf("The token from %s is not a JWT (a signed JSON Web Token).", from), true
		}
		return fmt.Sprintf("The token from %s is empty.", from), true
	}
	return "", false
}

// assertionHint says what to check when a ready-made client assertion
// (client_assertion, WORKIVA_CLIENT_ASSERTION or the file
// WORKIVA_CLIENT_ASSERTION_FILE names) could not be used; it names no
// workload_identity, which the grant does not have.
func assertionHint(err error, h grantHint) string {
	var check *workload.CheckError
	switch {
	case errors.As(err, &check) && check.Problem == workload.ProblemExpired:
		return "CI tokens live minutes: write the assertion in the same job, shortly before Terraform runs, or let the provider " +
			"fetch a fresh one for every request with workload_identity."
	case errors.As(err, &check) && check.Problem != workload.ProblemEmpty:
		return "Check " + h.from("client_assertion") + ": it should hold a client assertion, a JWT (a CI system's OIDC token, say)."
	}
	return "Check that " + EnvClientAssertionFile + " names a file this process can read and that the CI system has written " +
		"the workload-identity token to it (for GitHub Actions, that the job has permission id-token: write)."
}

// isVariableName reports whether v is an environment variable's name as
// shells write them: a letter or _, then letters, digits and _.
func isVariableName(v string) bool {
	for i, c := range v {
		if c != '_' && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return v != ""
}

// workloadHint says what the CI system needs; false when err is no
// workload error.
func workloadHint(err error) (string, bool) {
	var missing *workload.MissingError
	var check *workload.CheckError
	switch {
	case errors.As(err, &missing) && !isVariableName(missing.Variable):
		return "Give workload_identity.env_var (or tag) the name of the variable that holds the token, such as GITLAB_OIDC_TOKEN, " +
			"never the token.", true
	case errors.As(err, &missing):
		if info, _ := workload.InfoOf(missing.Kind); info.Hint != nil {
			return info.Hint(missing.Variable), true
		}
		return "Set " + missing.Variable + " in the job's environment.", true
	case errors.As(err, new(*workload.NotRecognisedError)):
		return "Run Terraform in one of those CI systems, or name the source in workload_identity.source (env, file or value " +
			"when the token comes another way).", true
	case errors.As(err, new(*workload.CommandError)):
		var cmdErr *workload.CommandError
		errors.As(err, &cmdErr)
		info, _ := workload.InfoOf(cmdErr.Kind)
		return cmp.Or(info.FetchHint, "Check that "+cmdErr.Command+" runs in this job."), true
	case errors.As(err, &check) && check.Problem == workload.ProblemExpired:
		return "CI tokens live minutes: obtain the token in the same job, shortly before Terraform runs.", true
	case errors.As(err, &check) && check.Problem == workload.ProblemAudienceUnset:
		return "Set workload_identity.audience to the audience your token endpoint expects, and give the workload a token minted for " +
			"it: a projected service-account token with that audience, named by workload_identity.file, or the CI system's token " +
			"asked for that audience. A platform's token for another service (EKS's is for AWS STS, AKS's for Entra ID) lets " +
			"whoever receives it act as the workload there.", true
	case errors.As(err, &check) && check.Problem == workload.ProblemAudience:
		return "Ask the CI system for the audience the token endpoint expects, or set workload_identity.audience to the one it gives.", true
	case errors.As(err, &check):
		return "Check the workload_identity source: it should give the CI system's OIDC token, a JWT.", true
	}
	var fetch *workload.FetchError
	var invalid *workload.InvalidError
	var read *workload.ReadError
	switch {
	case errors.As(err, &fetch) && fetch.Problem == workload.ProblemHost:
		return "Check where " + fetch.Variable + " is set: a CI system names its own endpoint in ASCII.", true
	case errors.As(err, &fetch) && fetch.Problem == workload.ProblemInsecure:
		return "Identity requests carry the CI system's request token and follow the token endpoint's rule: https, or http only to " +
			"127.0.0.0/8, ::1 and localhost. Check where " + fetch.Variable + " is set.", true
	case errors.As(err, &fetch):
		info, _ := workload.InfoOf(fetch.Kind)
		return cmp.Or(info.FetchHint, "Check the CI system's settings for OIDC tokens."), true
	case errors.As(err, &invalid):
		return "Unset " + invalid.Variable + " or give it as host or host:port, such as 169.254.169.254:80.", true
	case errors.As(err, &read):
		return "Check that workload_identity.file names a file this process can read and that the platform has written the token to it " +
			"(for Kubernetes, the projected service account token volume).", true
	}
	return "", false
}
