package dpop_test

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock/clocktest"
	"github.com/clientcreds/terraform-provider-workiva/internal/dpop"
)

type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath"`
	Nonce string `json:"nonce"`
}

// verify checks a proof as a server does (RFC 9449 4.3): typ, alg, the
// embedded public key verifies the signature; it returns the claims and the
// key's thumbprint.
func verify(t *testing.T, proof string) (proofClaims, string) {
	t.Helper()
	tok, err := jwt.ParseSigned(proof, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	h := tok.Headers[0]
	if h.ExtraHeaders["typ"] != "dpop+jwt" || h.Algorithm != "ES256" || h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		t.Fatalf("header %+v", h)
	}
	var c proofClaims
	if err := tok.Claims(h.JSONWebKey.Key, &c); err != nil {
		t.Fatal(err)
	}
	thumb, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return c, base64.RawURLEncoding.EncodeToString(thumb)
}

func TestProofs(t *testing.T) {
	clk := clocktest.New()
	clk.Advance(-time.Hour)
	p, err := dpop.New(clk)
	if err != nil {
		t.Fatal(err)
	}
	proof, err := p.Proof(http.MethodPost, "HTTPS://IAM.Example.com:443/oauth2/token?x=1#f", "")
	if err != nil {
		t.Fatal(err)
	}
	c, jkt := verify(t, proof)
	if c.HTM != "POST" || c.HTU != "https://iam.example.com/oauth2/token" || c.IAT != clk.Now().Unix() || c.ATH != "" || c.Nonce != "" || len(c.JTI) < 16 {
		t.Errorf("claims %+v", c)
	}
	if jkt != p.Thumbprint() {
		t.Errorf("thumbprint %s, want %s", p.Thumbprint(), jkt)
	}
	// One key per process; a new jti per proof.
	again, _ := dpop.New(nil)
	second, _ := again.Proof(http.MethodPost, "https://iam.example.com/oauth2/token", "")
	c2, jkt2 := verify(t, second)
	if jkt2 != jkt || c2.JTI == c.JTI {
		t.Errorf("second proof: key %s (want %s), jti %s (first %s)", jkt2, jkt, c2.JTI, c.JTI)
	}

	// A nonce is kept per origin, and the access token's hash is ath.
	resp := &http.Response{Header: http.Header{"Dpop-Nonce": {"n-1"}}}
	if !p.Observe("https://api.example.com/v1/files", true, resp) || p.Observe("https://api.example.com/other", true, resp) {
		t.Error("Observe: a new nonce is new once")
	}
	proof, _ = p.Proof(http.MethodGet, "https://api.example.com/v1/files?page=2", "the-token")
	c, _ = verify(t, proof)
	sum := sha256.Sum256([]byte("the-token"))
	if c.Nonce != "n-1" || c.ATH != base64.RawURLEncoding.EncodeToString(sum[:]) || c.HTU != "https://api.example.com/v1/files" {
		t.Errorf("resource proof claims %+v", c)
	}
	proof, _ = p.Proof(http.MethodPost, "https://iam.example.com/oauth2/token", "")
	if c, _ = verify(t, proof); c.Nonce != "" {
		t.Errorf("another origin's proof carries nonce %q", c.Nonce)
	}
	// On one origin, the token endpoint's nonce is not the API's.
	p.Observe("https://api.example.com/oauth2/token", false, &http.Response{Header: http.Header{"Dpop-Nonce": {"as-1"}}})
	proof, _ = p.Proof(http.MethodPost, "https://api.example.com/oauth2/token", "")
	if c, _ = verify(t, proof); c.Nonce != "as-1" {
		t.Errorf("token request nonce %q, want as-1", c.Nonce)
	}
	proof, _ = p.Proof(http.MethodGet, "https://api.example.com/v1/files", "the-token")
	if c, _ = verify(t, proof); c.Nonce != "n-1" {
		t.Errorf("resource nonce %q, want n-1", c.Nonce)
	}
}

// A resource's ask for a nonce; a token endpoint's is read by the token
// client with the rest of its answer (TestDPoPTokenRequests).
func TestAsksForNonce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header http.Header
		want   bool
	}{
		{"resource without a nonce", 401, http.Header{"Www-Authenticate": {`DPoP error="use_dpop_nonce"`}}, false},
		{"resource, another error", 401, http.Header{"Dpop-Nonce": {"n"}, "Www-Authenticate": {`DPoP error="invalid_dpop_proof"`}}, false},
		{"resource, not a 401", 403, http.Header{"Dpop-Nonce": {"n"}, "Www-Authenticate": {`DPoP error="use_dpop_nonce"`}}, false},
		{"resource", 401, http.Header{"Dpop-Nonce": {"n"}, "Www-Authenticate": {`DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`}}, true},
		{"resource, two challenges in one header", 401, http.Header{"Dpop-Nonce": {"n"}, "Www-Authenticate": {`Bearer realm="api", DPoP algs="ES256", error="use_dpop_nonce"`}}, true},
		{"resource, the error is Bearer's", 401, http.Header{"Dpop-Nonce": {"n"}, "Www-Authenticate": {`DPoP algs="ES256", Bearer error="use_dpop_nonce"`}}, false},
	} {
		resp := &http.Response{StatusCode: tc.status, Header: tc.header}
		if got := dpop.AsksForNonce(resp); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestChallengeError(t *testing.T) {
	h := http.Header{"Www-Authenticate": {`Bearer realm="workiva", error="invalid_token", error_description="the token, expired"`, `DPoP error="use_dpop_nonce"`}}
	if got := dpop.ChallengeError(h, "bearer"); got != "invalid_token" {
		t.Errorf("Bearer: %q", got)
	}
	if got := dpop.ChallengeError(h, "DPoP"); got != "use_dpop_nonce" {
		t.Errorf("DPoP: %q", got)
	}
	for value, want := range map[string]string{
		`Basic realm="x"`: "",
		`Bearer realm="x", error = "invalid_token"`:                                   "invalid_token",
		`Bearer error="invalid\_token"`:                                               "invalid_token",
		`Bearer realm="a, error=\"use_dpop_nonce\"", error=invalid_token`:             "invalid_token",
		`Bearer error_description="error=\"invalid_token\""`:                          "",
		`Negotiate abc==, Bearer error="insufficient_scope"`:                          "insufficient_scope",
		`DPoP algs="ES256", error="invalid_dpop_proof", Bearer error="invalid_token"`: "invalid_token",
	} {
		if got := dpop.ChallengeError(http.Header{"Www-Authenticate": {value}}, "Bearer"); got != want {
			t.Errorf("%s: %q, want %q", value, got, want)
		}
	}
}
