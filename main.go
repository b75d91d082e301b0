// Command terraform-provider-workiva is a Terraform provider that exchanges
// OAuth2 client-credentials grants (Workiva API grants, or any RFC 6749
// client-credentials endpoint) for bearer tokens.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
	"github.com/clientcreds/terraform-provider-workiva/internal/quietlogs"
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

	if !debug {
		// A debugger's session reads the logs on its own stderr.
		quietlogs.Apply()
	}

	opts := providerserver.ServeOpts{
		Address: "registry.terraform.io/clientcreds/workiva",
		Debug:   debug,
	}
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}
