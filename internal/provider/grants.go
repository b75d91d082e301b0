package provider

import (
	"context"
	"crypto/rand"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// providerData is what Configure hands to data sources and ephemeral
// resources: the grants, each with one token client (and so one token
// cache), the clock, and the scrubber.
type providerData struct {
	redact.Unprintable
	grants map[string]*grant // by name; defaultGrant for the provider-level one
	// pendingReason is set when the whole configuration is not known yet;
	// grantsPending when only the grants map is not.
	pendingReason string
	grantsPending string
	clock         clock.Clock
	// scrub knows every credential of this configuration and every token
	// issued to it; see scrub.go.
	scrub *redact.Scrubber
	// leases are the tokens open ephemeral resources hold; proxies the
	// open workiva_api_proxy.
	leases  leases
	proxies proxies
}

// leases are the holds of open ephemeral resources on their tokens, by a
// name their private data carries (never the token): Close finds the
// token to release (and revoke) by it, in the process that opened it.
type leases struct {
	mu   sync.Mutex
	held map[string]lease
}

type lease struct {
	grant *grant
	tok   *tokenclient.Token
}

// open records a hold on tok and returns its name.
func (l *leases) open(g *grant, tok *tokenclient.Token) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]lease{}
	}
	name := rand.Text() // not a counter: a name from another process finds nothing
	l.held[name] = lease{g, tok}
	return name
}

// take removes the hold name and returns it; a nil token when there is
// none (another process opened it, or it was taken).
func (l *leases) take(name string) (*grant, *tokenclient.Token) {
	l.mu.Lock()
	defer l.mu.Unlock()
	le := l.held[name]
	delete(l.held, name)
	return le.grant, le.tok
}

// grant is one configured grant.
type grant struct {
	name string
	// client is nil while pendingReason says why.
	client        *tokenclient.Client
	pendingReason string
	clientID      string
	defaultScopes []string
	hint          grantHint
	// check, when set, is how Configure authenticates the grant instead of
	// a token request: a federated grant whose token is fixed for the job
	// (env, file, value, …) is checked where it stands (a JWS, not expired,
	// the audience), since a server that accepts each JWT once would
	// refuse it at the next request, and terraform apply configures twice.
	check func(ctx context.Context) error
}

// scrubber is the configuration's scrubber; nil (which removes nothing)
// before Configure.
func (d *providerData) scrubber() *redact.Scrubber {
	if d == nil {
		return nil
	}
	return d.scrub
}

// names are the named grants, sorted.
func (d *providerData) names() []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(d.grants)) {
		if name != defaultGrant {
			out = append(out, name)
		}
	}
	return out
}

// lookup is the grant a workiva_token names (null: the default grant). A
// grant that is not known yet comes back pending; a name that is not
// configured is an error.
func (d *providerData) lookup(name types.String) (*grant, diag.Diagnostic) {
	if d.pendingReason != "" {
		return &grant{pendingReason: d.pendingReason}, nil
	}
	key := name.ValueString()
	if name.IsUnknown() {
		return &grant{pendingReason: "its grant is not known until apply"}, nil
	}
	if g, ok := d.grants[key]; ok {
		return g, nil
	}
	if d.grantsPending != "" && !name.IsNull() {
		return &grant{name: key, pendingReason: d.grantsPending}, nil
	}
	if name.IsNull() {
		return nil, noDefaultGrantDiagnostic(d.names())
	}
	return nil, unknownGrantDiagnostic(key, d.names())
}

// authenticate asks every grant that has a client for a token, side by
// side, so that wrong credentials fail here, once per grant, rather than in
// every data source and ephemeral resource. It returns one diagnostic per
// failed grant, in name order.
func (d *providerData) authenticate(ctx context.Context) diag.Diagnostics {
	var wg sync.WaitGroup
	failures := make(map[string]diag.Diagnostic)
	var mu sync.Mutex
	for _, g := range d.grants {
		if g.client == nil {
			continue
		}
		ctx := detachedLogContext(ctx)
		wg.Go(func() {
			if g.check != nil {
				if err := g.check(ctx); err != nil {
					mu.Lock()
					defer mu.Unlock()
					failures[g.name] = tokenErrorDiagnostic(grantSummary("Authentication failed", g.name), g.client.NotSent(err), g, d.scrub)
					return
				}
				tflogLogger{d.scrub}.Debug(ctx, "grant checked without a token request (its identity token is fixed for the job)",
					map[string]any{"grant": g.name, "token_url": g.client.TokenURL()})
				return
			}
			tok, err := g.client.Token(ctx, g.defaultScopes)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures[g.name] = tokenErrorDiagnostic(grantSummary("Authentication failed", g.name), err, g, d.scrub)
				return
			}
			d.scrub.Add(tok.AccessToken, tok.RefreshToken)
			tflogLogger{d.scrub}.Debug(ctx, "grant authenticated", map[string]any{"grant": g.name, "token_url": g.client.TokenURL()})
		})
	}
	wg.Wait()
	var diags diag.Diagnostics
	for _, name := range slices.Sorted(maps.Keys(failures)) {
		diags.Append(failures[name])
	}
	return diags
}
