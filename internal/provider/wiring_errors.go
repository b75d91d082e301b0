package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// This file words what is wrong around the provider rather than in its
// configuration: a consumer without the provider's data, credentials not
// known yet, and the plugin SDK writing protocol messages to disk.

// envProtoDataDir makes terraform-plugin-go write every protocol message
// to files, whatever TF_LOG says.
const envProtoDataDir = "TF_LOG_SDK_PROTO_DATA_DIR"

// protoDataDirWarning says what TF_LOG_SDK_PROTO_DATA_DIR makes the plugin
// SDK write, which the provider cannot mask: the protocol messages hold
// values, not log lines.
func protoDataDirWarning(dir string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(envProtoDataDir+" is set: credentials and tokens are written to disk",
		fmt.Sprintf("%s is set to %q, so the plugin SDK (terraform-plugin-go) writes every protocol message between Terraform "+
			"and this provider to files there, unmasked: the access tokens that workiva_token hands over (ephemeral ones "+
			"included) and the credentials the provider block is given in the configuration. The provider cannot keep them out. "+
			"Unset %s unless you are debugging the plugin protocol, and delete the files it wrote.", envProtoDataDir, dir, envProtoDataDir))
}

func unexpectedProviderDataDiagnostic(what string, got any) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Unexpected "+what+" Configure Type",
		fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", got))
}

func notConfiguredDiagnostic(what string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The workiva provider was not configured before the "+what+". Please report this issue to the provider developers.")
}

func credentialsNotKnownDiagnostic(reason string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider credentials not known yet",
		"The data source cannot be read during plan because "+reason+". "+
			"Make the provider's credentials known at plan time (variables or environment), apply the resources "+
			"they come from first with -target, or use the workiva_token ephemeral resource, which waits for apply.")
}

// proxyNotStartedDiagnostic: workiva_api_proxy could not listen.
func proxyNotStartedDiagnostic(err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("workiva_api_proxy did not start",
		"The proxy could not listen on 127.0.0.1: "+newDisplay(nil).err(err)+". Check that the loopback interface is up and "+
			"that a free port is left.")
}
