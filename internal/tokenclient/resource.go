package tokenclient

import (
	"net/http"
	"strings"

	"github.com/clientcreds/terraform-provider-workiva/internal/dpop"
)

// What a caller that presents the client's tokens to an API needs besides
// the tokens (internal/apiproxy).

// Forget drops t from the cache, if it is still the cached token of its
// scopes, so that the next Token call asks for a new one: the API refused
// it (invalid_token) before it expired.
func (c *Client) Forget(t *Token) {
	key := strings.Join(t.RequestedScopes, " ")
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cache[key] == t {
		delete(c.cache, key)
	}
}

// Transport is the transport the client's token requests go through: its
// CAs and its client certificate, so that an API that checks a
// certificate-bound token (RFC 8705) sees the same certificate.
func (c *Client) Transport() http.RoundTripper { return c.cfg.Transport }

// Prover makes the DPoP proofs that present the client's tokens; nil when
// the client does not use DPoP (Config.DPoP).
func (c *Client) Prover() *dpop.Prover { return c.prover }
