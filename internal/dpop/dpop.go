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
	nonces map[nonceKey]string
}

// nonceKey is where a nonce was handed out: a token endpoint and an API
// keep their own even on one origin (RFC 9449 8 and 9), as Workiva's IAM and
// API share theirs.
type nonceKey struct {
	origin   string
	resource bool
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
	return &Prover{signer: signer, jkt: base64.RawURLEncoding.EncodeToString(thumb), clock: clock.OrSystem(c), nonces: map[nonceKey]string{}}, nil
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

// Proof is a proof for a request of method to target, with the nonce
// target last handed out (Observe); for a request that presents an access
// token (to a resource), accessToken (its hash is the ath claim), else ""
// (a token request).
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
		Nonce: p.nonce(nonceKey{httpretry.Origin(u), accessToken != ""})}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		c.ATH = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return jwt.Signed(p.signer).Claims(c).Serialize()
}

// htu is the target URI of a proof: the URL as it is dialled, without
// query and fragment (RFC 9449 4.2), and without the scheme's default port,
// which the request's Host does not carry either.
func htu(u *url.URL) string {
	v := *u
	if c, err := httpretry.Canonical(&v); err == nil {
		v = *c
	}
	if port := v.Port(); port == "443" && v.Scheme == "https" || port == "80" && v.Scheme == "http" {
		v.Host = strings.TrimSuffix(v.Host, ":"+port)
	}
	v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment, v.User = "", false, "", "", nil
	return v.String()
}

func (p *Prover) nonce(k nonceKey) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nonces[k]
}

// Observe keeps the nonce in resp's DPoP-Nonce header, if any, for
// target, a resource or a token endpoint (a server may hand a new one out
// on any answer), and reports whether it is new.
func (p *Prover) Observe(target string, resource bool, resp *http.Response) bool {
	n := resp.Header.Get("DPoP-Nonce")
	u, err := url.Parse(target)
	if n == "" || err != nil {
		return false
	}
	k := nonceKey{httpretry.Origin(u), resource}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.nonces[k] == n {
		return false
	}
	p.nonces[k] = n
	return true
}

// AsksForNonce reports whether a resource's answer refuses a request for
// the want of a (new) nonce: a 401 with a nonce whose DPoP challenge says
// use_dpop_nonce (RFC 9449 9). A token endpoint's refusal (a 400 error,
// section 8) is the token client's to read, with the rest of its answer.
func AsksForNonce(resp *http.Response) bool {
	return resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("DPoP-Nonce") != "" &&
		ChallengeError(resp.Header, "DPoP") == "use_dpop_nonce"
}

// ChallengeError is the error parameter of h's WWW-Authenticate challenge
// of scheme ("Bearer", "DPoP"); "" when there is none. A header may hold
// several challenges, and a parameter is token BWS "=" BWS (token or
// quoted-string) (RFC 9110 11.2, 11.6.1).
func ChallengeError(h http.Header, scheme string) string {
	for _, v := range h.Values("WWW-Authenticate") {
		for _, c := range challenges(v) {
			if e, ok := c.params["error"]; ok && strings.EqualFold(c.scheme, scheme) {
				return e
			}
		}
	}
	return ""
}

// challenge is one challenge of a WWW-Authenticate value.
type challenge struct {
	scheme string
	params map[string]string
}

// challenges reads the challenges of one WWW-Authenticate value; what does
// not parse ends the reading.
func challenges(v string) []challenge {
	var out []challenge
	i := 0
	skip := func(set string) {
		for i < len(v) && strings.IndexByte(set, v[i]) >= 0 {
			i++
		}
	}
	token := func() string {
		start := i
		for i < len(v) && isTokenChar(v[i]) {
			i++
		}
		return v[start:i]
	}
	for {
		skip(" \t,")
		name := token()
		if name == "" {
			return out
		}
		skip(" \t")
		if i >= len(v) || v[i] != '=' || len(out) == 0 {
			// A scheme (a token68 after one reads as a scheme of its
			// own, with no parameters, and is never asked for).
			out = append(out, challenge{scheme: name, params: map[string]string{}})
			continue
		}
		i++ // '='
		skip(" \t")
		value := token()
		if value == "" && i < len(v) && v[i] == '"' {
			var b strings.Builder
			for i++; i < len(v) && v[i] != '"'; i++ {
				if v[i] == '\\' && i+1 < len(v) {
					i++
				}
				b.WriteByte(v[i])
			}
			i++ // the closing quote
			value = b.String()
		}
		skip("=") // a token68's padding
		out[len(out)-1].params[strings.ToLower(name)] = value
	}
}

// isTokenChar reports whether c is a tchar (RFC 9110 5.6.2), or the '/' of
// a token68.
func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~/", c) >= 0
}

// MaxAge is how old a proof a server accepts, at most; a proof is made for
// one request and sent at once.
const MaxAge = time.Minute
