package provider

import (
	"context"
	"maps"
	"os"
	"slices"
	"sync"

	"github.com/clientcreds/terraform-provider-workiva/internal/quietlogs"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger adapts tflog to tokenclient.Logger, for the token clients and
// the provider's own lines. It cleans the message and every string field
// (see clean) with the configuration's scrubber at the time of the call, so that a
// credential learnt during a request (an assertion just signed, a token
// just issued) is masked in the lines about that request too.
type tflogLogger struct{ scrub *redact.Scrubber }

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	if !logsUnread() {
		tflog.Debug(ctx, clean(msg, l.scrub), l.fields(fields))
	}
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	if !logsUnread() {
		tflog.Warn(ctx, clean(msg, l.scrub), l.fields(fields))
	}
}

// fields are the line's fields as they may be written: what a server or
// the transport said (redact.Untrusted) and the text of errors through one
// display for the line (show.go), the provider's own strings cleaned.
func (l tflogLogger) fields(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	show := newDisplay(l.scrub)
	// In the order of their keys, so that the line's budget is spent the
	// same way every time.
	for _, k := range slices.Sorted(maps.Keys(in)) {
		v := in[k]
		switch x := v.(type) {
		case nil:
		case redact.Untrusted:
			v = show.field(x)
		case error:
			v = show.err(x)
		case string:
			v = clean(x, l.scrub)
		}
		if slices.Contains(secretFieldKeys, k) {
			v = redact.Mask
		}
		out[k] = v
	}
	return out
}

// logsUnread reports whether no one reads the provider's logs: the
// binary's main turned its loggers off (quietlogs.Apply) before serving, so
// that the provider's own lines are not even built (nor scrubbed).
var logsUnread = sync.OnceValue(func() bool { return os.Getenv(quietlogs.ProviderLevel) == "off" })
