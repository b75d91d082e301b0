package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// Every text that leaves the provider passes through the configuration's
// scrubber (internal/redact), which knows every credential the provider
// holds and every token it was issued, and finds them in any form by
// decoding the text and comparing skeletons; and through redact.Printable,
// so that text a server sent cannot drive a terminal:
//   - what a server or the transport said (redact.Untrusted: bodies, OAuth2
//     fields, headers, the transport's words) and the text of every error
//     enter a diagnostic or a log field only through show.go's display,
//     which bounds the text, makes it UTF-8 and withholds it whole when it
//     carries a credential;
//   - diagnostics: each RPC's diagnostics are cleaned on the way out
//     (scrubDiagnostics, deferred at the top of Configure, Read, Open, Renew
//     and Close), whatever produced them;
//   - logs: every line the provider and its token clients write goes
//     through tflogLogger, which shows Untrusted fields and errors through
//     a display, cleans the message and every other string field when the
//     line is written (so a credential learnt during a request is masked in
//     the lines about it), and masks the fields of secretFieldKeys.

// secretFieldKeys are log field keys whose values are always masked.
var secretFieldKeys = []string{"client_secret", "access_token", "refresh_token", "client_assertion", "Authorization", "authorization"}

// detachedLogContext is ctx with a tflog field map of its own, for a
// goroutine: contexts derived from one another share tflog's field map until
// masks are added (which copies it, even with no keys), and logging may
// write into it. The secret fields are masked by tflogLogger, once.
func detachedLogContext(ctx context.Context) context.Context {
	return tflog.MaskFieldValuesWithFieldKeys(ctx)
}

// clean is text as it may leave the provider: control characters escaped,
// then every credential s knows masked.
func clean(text string, s *redact.Scrubber) string { return s.Scrub(redact.Printable(text)) }

// scrubDiagnostics returns diags cleaned (see clean): summaries and
// details, severities and paths unchanged.
func scrubDiagnostics(diags diag.Diagnostics, s *redact.Scrubber) diag.Diagnostics {
	if len(diags) == 0 {
		return diags
	}
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		summary, detail := clean(d.Summary(), s), clean(d.Detail(), s)
		withPath, hasPath := d.(diag.DiagnosticWithPath)
		switch {
		case hasPath && d.Severity() == diag.SeverityError:
			out = append(out, diag.NewAttributeErrorDiagnostic(withPath.Path(), summary, detail))
		case hasPath:
			out = append(out, diag.NewAttributeWarningDiagnostic(withPath.Path(), summary, detail))
		case d.Severity() == diag.SeverityError:
			out = append(out, diag.NewErrorDiagnostic(summary, detail))
		default:
			out = append(out, diag.NewWarningDiagnostic(summary, detail))
		}
	}
	return out
}
