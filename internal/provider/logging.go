package provider

import (
	"context"
	"maps"
	"os"
	"slices"
	"sync/atomic"

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
	if !logsUnread.Load() {
		tflog.Debug(ctx, clean(msg, l.scrub), l.fields(fields))
	}
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	if !logsUnread.Load() {
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

// sdkLogLevels are the variables that set the plugin SDK's log levels one
// by one (and this provider's own, which terraform-plugin-log names).
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_WORKIVA"}

// logReaders are the variables under which someone reads the provider's
// logs: Terraform shows them for TF_LOG or TF_LOG_PROVIDER (written to
// TF_LOG_PATH), terraform-plugin-testing for TF_ACC_LOG_PATH, and the SDK
// levels can be set one by one.
var logReaders = append([]string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK"}, sdkLogLevels...)

// QuietUnreadLogs turns the plugin SDK's loggers off when no one reads the
// logs; call it before serving. The SDK logs every RPC at TRACE by default
// and leaves filtering to Terraform, which throws the lines away unless
// TF_LOG or TF_LOG_PROVIDER is set: serialising, sending and discarding
// them cost about half of each data source read (see BENCHMARKS.md). With
// any of logReaders set, nothing changes.
// The provider's own lines are then not even built (nor scrubbed).
func QuietUnreadLogs() { logsUnread.Store(quietUnreadLogs(os.LookupEnv, os.Setenv)) }

// logsUnread is set when QuietUnreadLogs found no one reading the logs.
var logsUnread atomic.Bool

// quietUnreadLogs turns the SDK's loggers off unless one of logReaders is
// set, and reports whether it did.
func quietUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) bool {
	for _, name := range logReaders {
		if v, ok := lookup(name); ok && v != "" {
			return false
		}
	}
	for _, name := range sdkLogLevels {
		_ = set(name, "off")
	}
	return true
}
