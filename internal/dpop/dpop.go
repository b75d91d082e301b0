// Package dpop makes DPoP proofs (RFC 9449) for the token client's token
// requests and for the API proxy's requests with a DPoP-bound token: a JWT
// signed (ES256) with a key made in memory once per process and never
// written anywhere, whose public half it carries. It keeps the nonces
// servers hand out (DPoP-Nonce), one per origin, and says when an answer
// asks for one. It has no Terraform types.
package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
)

// processKey is the process's DPoP key, made the first time one is needed.
var processKey = sync.OnceValues(func() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
})

// Prover makes proofs with the process's key.
type Prover struct {
	signer jose.Signer
	jkt    string
	clock  clock.Clock

	mu     sync.Mutex
	nonces map[string]string // by origin
}

// New returns a Prover with the process's key; c tells iat (the system
// clock when nil).
func New(c clock.Clock) (*Prover, error) {
	key, err := processKey()
	if err != nil {
		return nil, err
	}
	jwk := jose.JSONWebKey{Key: key.Public(), Algorithm: string(jose.ES256), Use: "sig"}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt"))
	if err != nil {
		return nil, err
	}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	return &Prover{signer: signer, jkt: base64.RawURLEncoding.EncodeToString(thumb), clock: clock.OrSystem(c), nonces: map[string]string{}}, nil
}

// Thumbprint is the JWK SHA-256 thumbprint of the key (RFC 7638), which a
// server binds its tokens to (cnf.jkt).
func (p *Prover) Thumbprint() string { return p.jkt }

// claims are a proof's claims (RFC 9449 4.2).
type claims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// Proof is a proof for a request of method to target, with the nonce the
// target's origin last handed out; for a request that presents an access
// token, accessToken (its hash is the ath claim), else "".
func (p *Prover) Proof(method, target, accessToken string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", err
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	c := claims{JTI: base64.RawURLEncoding.EncodeToString(jti), HTM: method, HTU: htu(u), IAT: p.clock.Now().Unix(),
		Nonce: p.nonce(u)}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		c.ATH = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return jwt.Signed(p.signer).Claims(c).Serialize()
}

// htu is the target URI of a proof: the URL as it is dialled, without
// query and fragment (RFC 9449 4.2).
func htu(u *url.URL) string {
	v := *u
	if c, err := httpretry.Canonical(&v); err == nil {
		v = *c
	}
	v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment, v.User = "", false, "", "", nil
	return v.String()
}

func (p *Prover) nonce(u *url.URL) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nonces[httpretry.Origin(u)]
}

// Observe keeps the nonce in resp's DPoP-Nonce header, if any, for
// target's origin (a server may hand a new one out on any answer), and
// reports whether it is new.
func (p *Prover) Observe(target string, resp *http.Response) bool {
	n := resp.Header.Get("DPoP-Nonce")
	u, err := url.Parse(target)
	if n == "" || err != nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	origin := httpretry.Origin(u)
	if p.nonces[origin] == n {
		return false
	}
	p.nonces[origin] = n
	return true
}

// AsksForNonce reports whether resp refuses a request for the want of a
// (new) nonce: at a token endpoint a 400 whose error is use_dpop_nonce
// (RFC 9449 8), at a resource a 401 whose DPoP challenge says so (9).
// body is the answer's body, when it was read.
func AsksForNonce(resp *http.Response, body []byte) bool {
	if resp.Header.Get("DPoP-Nonce") == "" {
		return false
	}
	switch resp.StatusCode {
	case http.StatusBadRequest:
		var e struct {
			Error string `json:"error"`
		}
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return mt == "application/json" && json.Unmarshal(body, &e) == nil && e.Error == "use_dpop_nonce"
	case http.StatusUnauthorized:
		return ChallengeError(resp.Header, "DPoP") == "use_dpop_nonce"
	}
	return false
}

// ChallengeError is the error parameter of h's WWW-Authenticate challenge
// of scheme ("Bearer", "DPoP"); "" when there is none. A header may hold
// several challenges (RFC 9110 11.6.1).
func ChallengeError(h http.Header, scheme string) string {
	current := ""
	for _, v := range h.Values("WWW-Authenticate") {
		for _, part := range splitParams(v) {
			part = strings.TrimSpace(part)
			eq, sp := strings.IndexByte(part, '='), strings.IndexByte(part, ' ')
			if eq < 0 || sp >= 0 && sp < eq {
				// A challenge begins: its scheme, and perhaps its first
				// parameter.
				current, part, _ = strings.Cut(part, " ")
				part = strings.TrimSpace(part)
			}
			k, val, _ := strings.Cut(part, "=")
			if strings.EqualFold(current, scheme) && strings.EqualFold(strings.TrimSpace(k), "error") {
				return strings.Trim(strings.TrimSpace(val), `"`)
			}
		}
	}
	return ""
}

// splitParams splits auth-params at the commas outside quoted strings.
func splitParams(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\\':
			i++
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// MaxAge is how old a proof a server accepts, at most; a proof is made for
// one request and sent at once.
const MaxAge = time.Minute
