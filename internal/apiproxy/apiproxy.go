// Package apiproxy is the loopback endpoint behind workiva_api_proxy: a
// reverse proxy (net/http/httputil) to one API, its upstream, that puts a
// token of the grant's cache on every request it forwards, so that a
// consumer holds a key that lasts as long as the proxy instead of a token
// that expires during a long run, and tokens bound to the client (DPoP,
// RFC 9449; a client certificate, RFC 8705) reach the API with their proof.
//
// It listens on 127.0.0.1 only, on a port the system chooses, and
// forwards only requests that present the key (Authorization: Bearer
// <key>), only to the upstream's origin, whatever the request line or Host
// header names. It has no Terraform types.
package apiproxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/dpop"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// TokenPath is the proxy's own route for the token itself (GET, with the
// key): for scripts and tools that need the token rather than the API.
const TokenPath = "/_workiva_api_proxy/token" //nolint:gosec // a URL path, not a credential

// MaxReplayed is the largest request body the proxy keeps to send again
// when the API refuses the token (invalid_token): Workiva's request limit.
// A larger body streams through once, and its request is not retried.
const MaxReplayed = 10 << 20

// Options are what a proxy forwards to and with.
type Options struct {
	// Upstream is the API's base URL: https, or http to a loopback host. A
	// request to the proxy's URL + path goes to Upstream + path.
	Upstream *url.URL
	// Client, Scopes and MinValidity are the tokens: Client's, for Scopes,
	// with at least MinValidity left when a request is sent (the client's
	// cache: one token request per scope set, shared by concurrent
	// requests). The upstream is reached through Client.Transport (its CAs
	// and client certificate), and a DPoP client's tokens are presented
	// with a proof of Client.Prover's key.
	Client      *tokenclient.Client
	Scopes      []string
	MinValidity time.Duration
	// Describe words a failure to obtain a token, or to reach the
	// upstream, for the consumer's error body; it must not show a
	// credential. A generic sentence when nil.
	Describe func(error) string
	// Log is told of every request once it is answered; never of its
	// headers or body.
	Log func(ctx context.Context, r Logged)
	// Clock tells expires_in at TokenPath; the system clock when nil.
	Clock clock.Clock
	// Obtained is told every token the proxy starts forwarding with (the
	// provider's scrubber), once each.
	Obtained func(*tokenclient.Token)
}

// Logged is what is logged of a request.
type Logged struct {
	Method, Path string
	Status       int
	Duration     time.Duration
	// Retried says why the request was sent upstream twice ("invalid_token",
	// "use_dpop_nonce"), or why it was not although it could have been.
	Retried string
}

// Proxy is a running proxy.
type Proxy struct {
	redact.Unprintable
	opts   Options
	key    string
	url    *url.URL
	server *http.Server
	done   chan struct{}
	clock  clock.Clock
	rp     *httputil.ReverseProxy
	// upstream is the transport to the upstream, closed with the proxy.
	upstream *http.Transport
	// stop ends every request's context, upgraded connections' included,
	// which Shutdown does not track.
	stop context.CancelFunc
	// buffered is how many bytes of request bodies are held to be sent
	// again (at most maxBuffered).
	mu       sync.Mutex
	buffered int64
	// lastToken is the last token forwarded with, told to Obtained once.
	lastToken *tokenclient.Token
}

// Start listens on 127.0.0.1 and serves until Close.
func Start(ctx context.Context, opts Options) (*Proxy, error) {
	if opts.Upstream == nil || opts.Client == nil {
		return nil, errors.New("apiproxy: an upstream and a client are required")
	}
	// The rule for an API's URL is the token client's, as for its other
	// endpoints; the URL as it is dialled.
	up, err := tokenclient.ValidateAPIURL(opts.Upstream.String())
	if err != nil {
		return nil, err
	}
	opts.Upstream = up
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{opts: opts, key: base64.RawURLEncoding.EncodeToString(key), url: &url.URL{Scheme: "http", Host: ln.Addr().String()},
		done: make(chan struct{}), clock: clock.OrSystem(opts.Clock)}
	p.rp = p.reverseProxy()
	base, stop := context.WithCancel(context.Background())
	p.stop = stop
	p.server = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 90 * time.Second, ErrorLog: discard,
		BaseContext: func(net.Listener) context.Context { return base }}
	go func() {
		defer close(p.done)
		_ = p.server.Serve(ln)
	}()
	return p, nil
}

// URL is the proxy's base URL: http://127.0.0.1:<port>.
func (p *Proxy) URL() string { return p.url.String() }

// Key is what consumers present: "Authorization: Bearer <key>".
func (p *Proxy) Key() string { return p.key }

// TokenEndpoint is the URL of the proxy's token route.
func (p *Proxy) TokenEndpoint() string { return p.URL() + TokenPath }

// Close stops accepting requests and waits, until ctx ends, for those in
// flight; then it ends what is left (an upgraded connection's tunnel, a
// request still running) and closes the connections to the upstream.
func (p *Proxy) Close(ctx context.Context) error {
	err := p.server.Shutdown(ctx)
	p.stop()
	if err != nil {
		_ = p.server.Close()
	}
	<-p.done
	if p.upstream != nil {
		p.upstream.CloseIdleConnections()
	}
	return err
}

// ServeHTTP answers one consumer request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := p.clock.Now()
	rec := &recorder{ResponseWriter: w}
	logged := Logged{Method: r.Method, Path: r.URL.Path}
	defer func() {
		if p.opts.Log != nil {
			logged.Status, logged.Duration = rec.status(), p.clock.Now().Sub(start)
			p.opts.Log(r.Context(), logged)
		}
	}()
	switch {
	case !p.presentsKey(r):
		rec.Header().Set("WWW-Authenticate", `Bearer realm="workiva_api_proxy"`)
		writeError(rec, http.StatusUnauthorized, "the request does not present the proxy's key: send Authorization: Bearer <key>, the key workiva_api_proxy returned")
	case r.Method == http.MethodConnect || !strings.HasPrefix(r.RequestURI, "/"):
		// An absolute-form request line or CONNECT asks for another
		// target: this is no forward proxy.
		writeError(rec, http.StatusBadRequest, "workiva_api_proxy forwards only to its upstream, "+httpretry.Origin(p.opts.Upstream)+
			"; send requests to its url with a path, not through it as an HTTP proxy")
	case r.Method == http.MethodTrace:
		// An upstream that reflects the request would hand the token back.
		rec.Header().Set("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
		writeError(rec, http.StatusMethodNotAllowed, "workiva_api_proxy does not forward TRACE")
	case r.URL.Path == TokenPath:
		p.serveToken(rec, r)
	default:
		p.forward(rec, r, &logged)
	}
}

// presentsKey compares r's key with the proxy's in constant time.
func (p *Proxy) presentsKey(r *http.Request) bool {
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key)), []byte(p.key)) == 1
}

// token is a token with MinValidity left.
func (p *Proxy) token(ctx context.Context) (*tokenclient.Token, error) {
	var opts []tokenclient.Option
	if p.opts.MinValidity > 0 {
		opts = append(opts, tokenclient.MinValidity(p.opts.MinValidity))
	}
	tok, err := p.opts.Client.Token(ctx, p.opts.Scopes, opts...)
	if err == nil && p.opts.Obtained != nil {
		p.mu.Lock()
		fresh := p.lastToken != tok
		p.lastToken = tok
		p.mu.Unlock()
		if fresh {
			p.opts.Obtained(tok)
		}
	}
	return tok, err
}

func (p *Proxy) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "the token route answers GET only")
		return
	}
	tok, err := p.token(r.Context())
	if err != nil {
		writeError(w, http.StatusBadGateway, "no token: "+p.describe(err))
		return
	}
	body := map[string]any{"access_token": tok.AccessToken, "token_type": tok.TokenType.Data(), "scope": tok.Scope.Data()}
	if !tok.ExpiresAt.IsZero() {
		body["expires_in"] = max(int64(tok.ExpiresAt.Sub(p.clock.Now())/time.Second), 0)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// forward sends r to the upstream with a token, and streams the answer
// back.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, logged *Logged) {
	if r.Body != nil && r.ContentLength != 0 && p.reserve(replayedSize(r.ContentLength)) {
		// Keep a body of up to MaxReplayed to send again; a larger one,
		// or one over the proxy's budget, streams through once.
		defer p.release(replayedSize(r.ContentLength))
		buf, err := io.ReadAll(io.LimitReader(r.Body, MaxReplayed+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, "the request's body could not be read")
			return
		}
		if len(buf) <= MaxReplayed {
			r.Body = io.NopCloser(bytes.NewReader(buf))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
			r.ContentLength = int64(len(buf))
		} else {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
			r.GetBody = nil
		}
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loggedKey{}, logged)))
}

// maxBuffered bounds the bytes of request bodies all requests in flight
// hold to send again: beyond it, a body streams through once, as one over
// MaxReplayed does.
const maxBuffered = 64 << 20

// replayedSize is what keeping a body of length n (-1: unknown) to send
// again may take.
func replayedSize(n int64) int64 {
	if n < 0 || n > MaxReplayed {
		return MaxReplayed + 1
	}
	return n
}

// reserve takes n bytes of the budget of bodies kept; false when it has
// not that much left.
func (p *Proxy) reserve(n int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buffered+n > maxBuffered {
		return false
	}
	p.buffered += n
	return true
}

func (p *Proxy) release(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buffered -= n
}

// loggedKey is the context key of a request's Logged, which the transport
// notes a retry in.
type loggedKey struct{}

// reverseProxy is the reverse proxy every forwarded request goes through.
func (p *Proxy) reverseProxy() *httputil.ReverseProxy {
	// The client's transport (its CAs and certificate), with room for as
	// many idle connections to the upstream as consumers keep busy.
	base := p.opts.Client.Transport()
	if t, ok := base.(*http.Transport); ok {
		p.upstream = t.Clone()
		p.upstream.MaxIdleConnsPerHost = 64
		base = p.upstream
	}
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(p.opts.Upstream)
			// The consumer's key is not for the upstream; the token is put
			// on by the transport, for every attempt.
			for _, h := range []string{"Authorization", "DPoP", "Proxy-Authorization"} {
				pr.Out.Header.Del(h)
				pr.Out.Trailer.Del(h) // nor in a trailer
			}
		},
		Transport:      &upstream{p: p, base: base},
		FlushInterval:  -1,
		ModifyResponse: p.relocate,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			var te *tokenError
			if errors.As(err, &te) {
				writeError(w, http.StatusBadGateway, "no token: "+p.describe(te.err))
				return
			}
			if errors.Is(err, context.Canceled) {
				return
			}
			writeError(w, http.StatusBadGateway, "the upstream "+httpretry.Origin(p.opts.Upstream)+" did not answer: "+p.describe(err))
		},
		ErrorLog: discard,
	}
}

// relocate points the URLs an answer gives on the upstream (below its
// base path: Location, Content-Location, Link) at the proxy, so that a
// consumer that follows them comes back through the proxy with its key
// rather than taking the key to the upstream; the proxy follows no
// redirect itself. URLs in a body are the consumer's to resolve.
func (p *Proxy) relocate(resp *http.Response) error {
	for _, h := range []string{"Location", "Content-Location"} {
		if v := resp.Header.Get(h); v != "" {
			resp.Header.Set(h, p.proxied(resp.Request.URL, v))
		}
	}
	if links := resp.Header.Values("Link"); len(links) > 0 {
		out := make([]string, len(links))
		for i, l := range links {
			out[i] = linkURL.ReplaceAllStringFunc(l, func(m string) string {
				return "<" + p.proxied(resp.Request.URL, m[1:len(m)-1]) + ">"
			})
		}
		resp.Header["Link"] = out
	}
	return nil
}

// linkURL is a URI-reference of a Link header (RFC 8288 3).
var linkURL = regexp.MustCompile(`<[^>]*>`)

// proxied is ref (relative to the request's URL) on the proxy when it is
// on the upstream below its base path; ref as it came otherwise.
func (p *Proxy) proxied(request *url.URL, ref string) string {
	u, err := request.Parse(ref)
	if err != nil {
		return ref
	}
	if c, err := httpretry.Canonical(u); err == nil {
		u = c
	}
	base := strings.TrimSuffix(p.opts.Upstream.EscapedPath(), "/")
	path := u.EscapedPath()
	if httpretry.Origin(u) != httpretry.Origin(p.opts.Upstream) || path != base && !strings.HasPrefix(path, base+"/") {
		return ref
	}
	// The path as the upstream escaped it (a %2F stays one), without the
	// user info, which the proxy's URL has none of.
	out := p.URL() + strings.TrimPrefix(path, base)
	if u.RawQuery != "" || u.ForceQuery {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out
}

func (p *Proxy) describe(err error) string {
	if p.opts.Describe != nil {
		return p.opts.Describe(err)
	}
	return "see Terraform's log (TF_LOG=DEBUG)"
}

// discard is the servers' and the reverse proxy's error log: what they
// would print names the upstream's URL with the consumer's query, and the
// consumer hears of every failure in its answer.
var discard = log.New(io.Discard, "", 0)

// upstream is the transport to the upstream: it puts the token (and a
// DPoP proof) on every attempt, and sends a request again, once per
// reason, when the API refuses the token as invalid (it is dropped from
// the cache first) or asks for a DPoP nonce, if the body can be sent again.
type upstream struct {
	p    *Proxy
	base http.RoundTripper
}

// tokenError is a failure to obtain a token, not to reach the upstream.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return "token: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

func (u *upstream) RoundTrip(in *http.Request) (*http.Response, error) {
	prover := u.p.opts.Client.Prover()
	logged, _ := in.Context().Value(loggedKey{}).(*Logged)
	if logged == nil {
		logged = &Logged{}
	}
	retried := map[string]bool{}
	for {
		tok, err := u.p.token(in.Context())
		if err != nil {
			return nil, &tokenError{err}
		}
		// Each attempt is a request of its own (a RoundTripper must not
		// change the one it is given), with the body from its start.
		req := in.Clone(in.Context())
		if len(retried) > 0 && in.GetBody != nil {
			if req.Body, err = in.GetBody(); err != nil {
				return nil, err
			}
		}
		scheme := "Bearer"
		if prover != nil && tok.DPoP() {
			scheme = "DPoP"
			proof, err := prover.Proof(req.Method, req.URL.String(), tok.AccessToken)
			if err != nil {
				return nil, &tokenError{err}
			}
			req.Header.Set("DPoP", proof)
		}
		req.Header.Set("Authorization", scheme+" "+tok.AccessToken)
		resp, err := u.base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		// A server may hand a new nonce out on any answer.
		newNonce := prover != nil && prover.Observe(req.URL.String(), true, resp)
		why := ""
		switch {
		case resp.StatusCode != http.StatusUnauthorized:
		case newNonce && dpop.AsksForNonce(resp):
			why = "use_dpop_nonce"
		case dpop.ChallengeError(resp.Header, "Bearer") == "invalid_token" || dpop.ChallengeError(resp.Header, "DPoP") == "invalid_token":
			why = "invalid_token"
			u.p.opts.Client.Forget(tok)
		}
		if why == "" || retried[why] {
			return resp, nil
		}
		if in.Body != nil && in.GetBody == nil {
			logged.Retried = "not retried after " + why + ": the body was streamed (over 10 MB, or over the proxy's budget for bodies kept)"
			return resp, nil
		}
		retried[why] = true
		logged.Retried = why
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}
}

// writeError answers the consumer with a JSON error of the proxy's own.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": "workiva_api_proxy", "message": message})
}

// recorder remembers the status written, in the request's goroutine (the
// reverse proxy flushes synchronously: FlushInterval -1).
type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Flush streams what was written so far (ReverseProxy flushes through it).
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) status() int { return r.code }
