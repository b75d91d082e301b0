// Command terraform-provider-workiva is a Terraform provider that exchanges
// OAuth2 client-credentials grants (Workiva API grants, or any RFC 6749
// client-credentials endpoint) for bearer tokens.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

// Run "go generate" to format example terraform files and generate the docs for the registry/website

//go:generate terraform fmt -recursive ./examples/
//go:generate go tool -modfile=tools/go.mod tfplugindocs generate --provider-name workiva

// version is set by the release build (goreleaser) with -X main.version=.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	quietUnreadLogs(os.LookupEnv, os.Setenv)

	opts := providerserver.ServeOpts{
		Address: "registry.terraform.io/clientcreds/workiva",
		Debug:   debug,
	}
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}

// logEnv are the variables under which someone reads the provider's logs:
// Terraform shows them for TF_LOG or TF_LOG_PROVIDER (written to
// TF_LOG_PATH), terraform-plugin-testing for TF_ACC_LOG_PATH, and the SDK
// levels can be set one by one.
var logEnv = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_WORKIVA",
}

// quietUnreadLogs turns the plugin SDK's loggers off when none of logEnv is
// set. The SDK logs every RPC at TRACE by default and leaves filtering to
// Terraform, which throws the lines away unless TF_LOG or TF_LOG_PROVIDER is
// set: serialising, sending and discarding them cost about half of each
// data source read (see BENCHMARKS.md). With any of logEnv set, nothing
// changes.
func quietUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, name := range logEnv {
		if v, ok := lookup(name); ok && v != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_WORKIVA"} {
		_ = set(name, "off")
	}
}
