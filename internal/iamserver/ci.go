package iamserver

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// CIIssuer is a CI system's OIDC issuer, as far as a token endpoint sees
// it: it signs workload-identity tokens (ES256) that a server trusts for a
// client through a FederatedCredential.
type CIIssuer struct {
	// Issuer is the iss of the tokens it signs
	// (https://token.actions.githubusercontent.com for GitHub Actions, say).
	Issuer string
	key    *ecdsa.PrivateKey
	signer jose.Signer
}

// NewCIIssuer makes an issuer with a fresh key.
func NewCIIssuer(issuer string) (*CIIssuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", CIKeyID))
	if err != nil {
		return nil, err
	}
	return &CIIssuer{Issuer: issuer, key: key, signer: signer}, nil
}

// CIKeyID is the kid of a CI issuer's tokens, as its JWKS would name the
// key.
const CIKeyID = "ci-key-1"

// PublicKey verifies the issuer's tokens.
func (i *CIIssuer) PublicKey() crypto.PublicKey { return i.key.Public() }

// Sign returns a token for subject and audience that expires at exp.
func (i *CIIssuer) Sign(subject, audience string, issuedAt, exp time.Time) (string, error) {
	jti := make([]byte, 12)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	return jwt.Signed(i.signer).Claims(jwt.Claims{Issuer: i.Issuer, Subject: subject, Audience: jwt.Audience{audience},
		IssuedAt: jwt.NewNumericDate(issuedAt), NotBefore: jwt.NewNumericDate(issuedAt.Add(-time.Minute)),
		Expiry: jwt.NewNumericDate(exp), ID: base64.RawURLEncoding.EncodeToString(jti)}).Serialize()
}

// FederatedCredential makes a client trust a CI issuer's tokens as its
// client assertion (RFC 7523 2.2 as Entra ID's federated credentials and
// Okta's and Keycloak's identity-provider assertions use it): the token's
// iss and sub must match, its aud must hold Audience, and the issuer's key
// must verify it. The client is named by the request's client_id.
type FederatedCredential struct {
	Issuer   *CIIssuer
	Subject  string
	Audience string
}

// CIFakes serves a CI system's token endpoints on the server, each exactly
// as its system documents it, handing out tokens that Issuer signs for
// Subject:
//   - GitHub Actions: GET CIGitHubPath?api-version=2.0&audience=<aud> with
//     "Authorization: Bearer <RequestToken>", answering {"value": <token>};
//   - Azure DevOps: POST CIAzureDevOpsPath?api-version=7.1&serviceConnectionId=<id>
//     with "Authorization: Bearer <RequestToken>", answering {"oidcToken": <token>}
//     whose aud is api://AzureADTokenExchange;
//   - Google Cloud's metadata server: GET CIGCPMetadataPath?audience=<aud>&format=full
//     with "Metadata-Flavor: Google", answering the token as text;
//   - Codefresh: GET CICodefreshPath?audience=<aud> with
//     "Authorization: <RequestToken>" (no scheme), answering {"id_token": <token>}.
//
// Tokens live TokenLifetime (five minutes when zero), as CI tokens do.
type CIFakes struct {
	Issuer        *CIIssuer
	Subject       string
	RequestToken  string
	TokenLifetime time.Duration
}

// The paths of the CI fakes.
const (
	CIGitHubPath      = "/_ci/github/idtoken"
	CIAzureDevOpsPath = "/_ci/azure-devops/oidctoken"
	CIGCPMetadataPath = "/computeMetadata/v1/instance/service-accounts/default/identity"
	CICodefreshPath   = "/_ci/codefresh/oidc"
	// AzureDevOpsAudience is the aud of Azure DevOps' workload-identity
	// tokens, which Entra ID's federated credentials expect.
	AzureDevOpsAudience = "api://AzureADTokenExchange"
)

// CIGitHubURL is ACTIONS_ID_TOKEN_REQUEST_URL for the GitHub fake: it has
// a query already, as GitHub's has.
func (s *Server) CIGitHubURL() string { return s.URL() + CIGitHubPath + "?api-version=2.0" }

// CICodefreshURL is CF_OIDC_REQUEST_URL for the Codefresh fake.
func (s *Server) CICodefreshURL() string { return s.URL() + CICodefreshPath }

// CIAzureDevOpsURL is SYSTEM_OIDCREQUESTURI for the Azure DevOps fake.
func (s *Server) CIAzureDevOpsURL() string { return s.URL() + CIAzureDevOpsPath }

// CIGCPMetadataHost is GCE_METADATA_HOST (host:port) for the metadata fake.
func (s *Server) CIGCPMetadataHost() string { return strings.TrimPrefix(s.URL(), "http://") }

func (s *Server) handleCI(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ci := s.opts.CI
		if kind == "gcp_metadata" {
			// The metadata server says so on every answer.
			w.Header().Set("Metadata-Flavor", "Google")
		}
		if !sleepCtx(r, s.currentLatency()) {
			s.record(r, nil, "", 0)
			return
		}
		if fault, ok := s.nextCIFault(); ok {
			s.record(r, nil, "", fault.Status)
			writeFault(w, fault, r, nil)
			return
		}
		q := r.URL.Query()
		audience, method, status := q.Get("audience"), http.MethodGet, http.StatusOK
		switch kind {
		case "azure_devops":
			audience, method = AzureDevOpsAudience, http.MethodPost
			if q.Get("api-version") == "" || q.Get("serviceConnectionId") == "" {
				status = http.StatusBadRequest
			}
		case "github_actions":
			if q.Get("api-version") == "" {
				status = http.StatusBadRequest
			}
		}
		authorized := r.Header.Get("Authorization") == "Bearer "+ci.RequestToken
		switch kind {
		case "codefresh":
			authorized = r.Header.Get("Authorization") == ci.RequestToken
		case "gcp_metadata":
			authorized = r.Header.Get("Metadata-Flavor") == "Google" && q.Get("format") == "full"
		}
		switch {
		case r.Method != method:
			status = http.StatusMethodNotAllowed
		case !authorized:
			status = http.StatusUnauthorized
		case audience == "":
			status = http.StatusBadRequest
		}
		if status != http.StatusOK {
			s.record(r, nil, "", status)
			http.Error(w, http.StatusText(status), status)
			return
		}
		now := s.clock.Now()
		tok, err := ci.Issuer.Sign(ci.Subject, audience, now, now.Add(cmp.Or(ci.TokenLifetime, 5*time.Minute)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.mu.Lock()
		s.ciIssued = append(s.ciIssued, tok)
		s.mu.Unlock()
		s.record(r, nil, "", http.StatusOK)
		switch kind {
		case "github_actions":
			writeJSON(w, http.StatusOK, map[string]any{"count": len(tok), "value": tok})
		case "azure_devops":
			writeJSON(w, http.StatusOK, map[string]any{"oidcToken": tok})
		case "codefresh":
			writeJSON(w, http.StatusOK, map[string]any{"id_token": tok})
		default:
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(tok))
		}
	}
}

// ScriptCI appends faults to the queue of scripted answers of the CI fakes.
func (s *Server) ScriptCI(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ciFaults = append(s.ciFaults, faults...)
}

func (s *Server) nextCIFault() (Fault, bool) { return s.popFault(&s.ciFaults) }

// CIIssued returns the workload-identity tokens the CI fakes handed out.
func (s *Server) CIIssued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ciIssued...)
}

// CIRequests returns the requests the CI fakes received.
func (s *Server) CIRequests() []Request {
	return s.requestsOn(func(p string) bool { return strings.HasPrefix(p, "/_ci/") || p == CIGCPMetadataPath })
}

// federatedClient returns the client that trusts the assertion's issuer
// (named by client_id), and the credential, when there is one.
func (s *Server) federatedClient(bodyID, issuer string) (Client, FederatedCredential, bool) {
	c, ok := s.clientByID(bodyID)
	if !ok {
		return Client{}, FederatedCredential{}, false
	}
	for _, f := range c.Federated {
		if f.Issuer != nil && f.Issuer.Issuer == issuer {
			return c, f, true
		}
	}
	return Client{}, FederatedCredential{}, false
}
