package workload

import "context"

// The variables the Azure and AWS workload-identity webhooks set to a pod's
// projected service-account token file.
const (
	EnvAzureTokenFile = "AZURE_FEDERATED_TOKEN_FILE"  //nolint:gosec // the variable's name
	EnvAWSTokenFile   = "AWS_WEB_IDENTITY_TOKEN_FILE" //nolint:gosec // the variable's name
)

// kubernetes: a projected service-account token, read for every token
// (the kubelet rewrites it before it expires): File, else the file
// $AZURE_FEDERATED_TOKEN_FILE names, else $AWS_WEB_IDENTITY_TOKEN_FILE's.
type kubernetes struct{}

func (kubernetes) Info() Info {
	return Info{Kind: Kubernetes, Name: "Kubernetes",
		Doc: "`kubernetes` reads a projected service-account token for every token: `file`, else the file `$" + EnvAzureTokenFile +
			"` names (AKS workload identity), else `$" + EnvAWSTokenFile + "`'s (EKS IRSA), whose tokens are for Entra ID and AWS STS: " +
			"one of those is sent only when `audience` is set and the token holds it",
		Hint: func(string) string {
			return "Mount a projected service-account token (a serviceAccountToken volume) and name its path in workload_identity.file, " +
				"or label the pod for the AKS or EKS webhook that sets " + EnvAzureTokenFile + " or " + EnvAWSTokenFile + "."
		},
		Detect: func(getenv func(string) string) bool {
			return isSet(getenv, "KUBERNETES_SERVICE_HOST") && (isSet(getenv, EnvAzureTokenFile) || isSet(getenv, EnvAWSTokenFile))
		},
		Markers: "KUBERNETES_SERVICE_HOST with " + EnvAzureTokenFile + " or " + EnvAWSTokenFile,
		// The webhooks' files hold tokens for Entra ID and AWS STS: the
		// variable that named the file, when File did not.
		PlatformToken: func(s Source) string {
			if s.File != "" {
				return ""
			}
			return firstSet(s, EnvAzureTokenFile, EnvAWSTokenFile)
		},
	}
}

func (k kubernetes) obtain(ctx context.Context, s Source) (string, error) {
	_, file := k.readFrom(s)
	if file == "" {
		return "", &MissingError{Kind: s.Kind, Variable: EnvAzureTokenFile}
	}
	b, err := s.readFile(ctx, file)
	if err != nil {
		return "", &ReadError{Kind: s.Kind, File: file, Err: err}
	}
	return string(b), nil
}

func (kubernetes) readFrom(s Source) (string, string) {
	for _, f := range []string{s.File, s.getenv(EnvAzureTokenFile), s.getenv(EnvAWSTokenFile)} {
		if f != "" {
			return "", f
		}
	}
	return "", ""
}
