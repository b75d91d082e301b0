// Package quietlogs turns the plugin SDK's loggers off when no one reads
// the logs, for the binaries that serve a provider (this provider's main,
// the benchmark's floor provider), before they serve: the SDK logs every
// RPC at TRACE by default and leaves filtering to Terraform, which throws
// the lines away unless TF_LOG or TF_LOG_PROVIDER is set, and serialising,
// sending and discarding them cost about half of each data source read
// (see BENCHMARKS.md). It sets environment variables, which the SDK reads,
// so that the provider package itself sets none.
package quietlogs

import "os"

// ProviderLevel is this provider's own log level variable
// (terraform-plugin-log names it), "off" once Apply has turned the logs off:
// the provider reads it to skip building its own lines.
const ProviderLevel = "TF_LOG_PROVIDER_WORKIVA"

// sdkLogLevels are the variables that set the plugin SDK's log levels one
// by one, and the provider's own.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", ProviderLevel}

// logReaders are the variables under which someone reads the provider's
// logs: Terraform shows them for TF_LOG or TF_LOG_PROVIDER (written to
// TF_LOG_PATH), terraform-plugin-testing for TF_ACC_LOG_PATH, and the SDK
// levels can be set one by one.
var logReaders = append([]string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK"}, sdkLogLevels...)

// Apply turns the SDK's loggers off unless one of logReaders is set, and
// reports whether it did. With any of them set, nothing changes.
func Apply() bool { return apply(os.LookupEnv, os.Setenv) }

func apply(lookup func(string) (string, bool), set func(string, string) error) bool {
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
