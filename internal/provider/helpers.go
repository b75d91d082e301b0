package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// providerData is what Configure hands to data sources and ephemeral
// resources: one token client, and so one token cache, per provider
// instance.
type providerData struct {
	// client is nil while pendingReason says why (unknown configuration).
	client        *tokenclient.Client
	pendingReason string
	clientID      string
	secret        string
	defaultScopes []string
}

// secretFieldKeys are log field keys whose values are always masked.
var secretFieldKeys = []string{"client_secret", "access_token", "refresh_token", "Authorization", "authorization"}

// maskSecrets returns a context whose tflog output masks the given secret
// values wherever they appear, and the values of secretFieldKeys.
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	for _, s := range secrets {
		if s == "" {
			continue
		}
		ctx = tflog.MaskAllFieldValuesStrings(ctx, s)
		ctx = tflog.MaskMessageStrings(ctx, s)
	}
	return ctx
}

// tflogLogger adapts tflog to tokenclient.Logger.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, msg, fields)
}

// errorDiagnostic turns a token request failure into a diagnostic summary
// and detail: what failed, what the server said, what to check. It never
// includes the secret or a token.
func errorDiagnostic(summary string, err error, clientID string) (string, string) {
	var te *tokenclient.Error
	if !errors.As(err, &te) {
		return summary, err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Requesting a token from %s for client id %q failed.\n\n", te.TokenURL, clientID)
	switch te.Kind {
	case tokenclient.KindServer:
		fmt.Fprintf(&b, "HTTP status: %d %s\n", te.StatusCode, statusText(te.StatusCode))
		if te.Code != "" {
			fmt.Fprintf(&b, "Server error: %s\n", te.Code)
		}
		if te.Description != "" {
			fmt.Fprintf(&b, "Server description: %s\n", te.Description)
		}
		if te.URI != "" {
			fmt.Fprintf(&b, "Server error URI: %s\n", te.URI)
		}
		if te.Location != "" {
			fmt.Fprintf(&b, "Redirect location (not followed): %s\n", te.Location)
		}
		if te.Code == "" && te.Location == "" {
			fmt.Fprintf(&b, "Content type: %s\nBody begins: %s\n", orNone(te.ContentType), te.BodySnippet)
		}
		summary += fmt.Sprintf(": HTTP %d", te.StatusCode)
		if te.Code != "" {
			summary += " " + te.Code
		}
	default:
		fmt.Fprintf(&b, "Error: %s\n", te.Summary())
		summary += ": " + kindSummaries[te.Kind]
	}
	fmt.Fprintf(&b, "\n%s", te.Hint())
	return summary, b.String()
}

var kindSummaries = map[tokenclient.ErrorKind]string{
	tokenclient.KindResponse:   "unusable token response",
	tokenclient.KindConnection: "could not connect",
	tokenclient.KindTimeout:    "no answer in time",
	tokenclient.KindCanceled:   "interrupted",
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "(non-standard status)"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

func regionHostList() string {
	parts := make([]string, len(regionNames))
	for i, r := range regionNames {
		parts[i] = "`" + r + "`: `" + regionHosts[r] + "`"
	}
	return strings.Join(parts, ", ")
}

func scopeValidators() []validator.String {
	return []validator.String{
		stringvalidator.RegexMatches(tokenclient.ScopeTokenRE,
			"must be one RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\'; give several scopes as separate elements"),
	}
}

// setStrings returns the elements of a known set of strings; nil for a null
// or unknown set.
func setStrings(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(s.Elements()))
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return tokenclient.NormalizeScopes(out)
}

// durationValidator checks that a string is a positive Go duration.
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(context.Context) string {
	return "value must be a positive duration such as \"30s\" or \"2m\""
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a positive duration; use a number with a unit, such as \"30s\", \"90s\" or \"2m\".", req.ConfigValue.ValueString()))
	}
}
