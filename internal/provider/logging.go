package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger adapts tflog to tokenclient.Logger.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, msg, fields)
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
func QuietUnreadLogs() { quietUnreadLogs(os.LookupEnv, os.Setenv) }

func quietUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, name := range logReaders {
		if v, ok := lookup(name); ok && v != "" {
			return
		}
	}
	for _, name := range sdkLogLevels {
		_ = set(name, "off")
	}
}
