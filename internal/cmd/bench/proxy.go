package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/apiproxy"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
)

// The proxy's goals (issue: workiva_api_proxy): under 1 ms added at the
// median, no more than 5 % of wall time at 50 ms upstream latency.
const (
	proxyMedianGoal   = time.Millisecond
	proxyOverheadGoal = 0.05
)

// proxyResult is what the proxy costs a consumer on this machine.
type proxyResult struct {
	directMedian, proxyMedian time.Duration // per request, upstream without latency
	directRPS, proxyRPS       float64       // requests per second, 16 consumers at once
	directWall, proxyWall     time.Duration // 100 requests one after another at 50 ms upstream latency
	tokenRequests             int           // token requests of the whole measurement (one client, one scope set)
}

func (p proxyResult) added() time.Duration { return p.proxyMedian - p.directMedian }
func (p proxyResult) overhead() float64 {
	return float64(p.proxyWall-p.directWall) / float64(p.directWall)
}

// measureProxy calls the local server's echo API directly (with a token of
// the same client) and through an apiproxy.Proxy, interleaved: the median
// latency of 400 requests each with no upstream latency, the requests per
// second of 16 consumers at once for 3 s, and the wall time of 100
// requests one after another at 50 ms upstream latency.
func measureProxy() (proxyResult, error) {
	const id, secret = "proxy-bench", "proxy-bench-secret" //nolint:gosec // the local server's test client
	srv, err := iamserver.Start("127.0.0.1:0", iamserver.Options{Clients: []iamserver.Client{
		{ID: id, Secret: secret, Scopes: []string{"file:read"}}}})
	if err != nil {
		return proxyResult{}, err
	}
	defer srv.Close()
	client, err := tokenclient.New(tokenclient.Config{TokenURL: srv.TokenURL(), ClientID: id, ClientSecret: secret,
		APIVersion: iamserver.CurrentVersion})
	if err != nil {
		return proxyResult{}, err
	}
	ctx := context.Background()
	up, _ := url.Parse(srv.URL())
	p, err := apiproxy.Start(ctx, apiproxy.Options{Upstream: up, Client: client, Scopes: []string{"file:read"}})
	if err != nil {
		return proxyResult{}, err
	}
	defer p.Close(ctx)
	tok, err := client.Token(ctx, []string{"file:read"})
	if err != nil {
		return proxyResult{}, err
	}
	consumer := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	direct := target{consumer, srv.APIURL() + "files", tok.AccessToken}
	proxied := target{consumer, p.URL() + iamserver.APIPath + "files", p.Key()}
	var r proxyResult
	var d, q []time.Duration
	for range 400 {
		for _, t := range []struct {
			target
			into *[]time.Duration
		}{{direct, &d}, {proxied, &q}} {
			took, err := t.call()
			if err != nil {
				return r, err
			}
			*t.into = append(*t.into, took)
		}
	}
	r.directMedian, r.proxyMedian = median(d), median(q)
	if r.directRPS, err = direct.rate(16, 3*time.Second); err != nil {
		return r, err
	}
	if r.proxyRPS, err = proxied.rate(16, 3*time.Second); err != nil {
		return r, err
	}
	srv.SetLatency(50 * time.Millisecond)
	for _, t := range []struct {
		target
		into *time.Duration
	}{{direct, &r.directWall}, {proxied, &r.proxyWall}} {
		start := time.Now()
		for range 100 {
			if _, err := t.call(); err != nil {
				return r, err
			}
		}
		*t.into = time.Since(start)
	}
	r.tokenRequests = len(srv.TokenRequests())
	return r, nil
}

// target is where a consumer sends its requests, with which bearer.
type target struct {
	client      *http.Client
	url, bearer string
}

func (t target) call() (time.Duration, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, t.url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+t.bearer)
	start := time.Now()
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: HTTP %d", t.url, resp.StatusCode)
	}
	return time.Since(start), nil
}

// rate is the requests per second workers consumers at once complete in d.
func (t target) rate(workers int, d time.Duration) (float64, error) {
	var n atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	stop := time.Now().Add(d)
	for range workers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				if _, err := t.call(); err != nil {
					failed.Store(err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return 0, err
	}
	return float64(n.Load()) / d.Seconds(), nil
}

// table is the proxy's section of the report; err says which goal it
// missed.
func (p proxyResult) table() (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "| | direct | through the proxy | added |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| median latency, upstream without latency (400 requests each, interleaved) | %s | %s | %s (goal < %s) |\n",
		round(p.directMedian), round(p.proxyMedian), round(p.added()), proxyMedianGoal)
	fmt.Fprintf(&b, "| requests per second, 16 consumers at once, 3 s | %.0f | %.0f | %.0f %% of direct |\n",
		p.directRPS, p.proxyRPS, 100*p.proxyRPS/p.directRPS)
	fmt.Fprintf(&b, "| wall time of 100 requests one after another, upstream latency 50 ms | %s | %s | %.1f %% (goal ≤ %.0f %%) |\n",
		p.directWall.Round(time.Millisecond), p.proxyWall.Round(time.Millisecond), 100*p.overhead(), 100*proxyOverheadGoal)
	fmt.Fprintf(&b, "| token requests over all of the above (one client, one scope set) | | %d | |\n", p.tokenRequests)
	var err error
	switch {
	case p.added() >= proxyMedianGoal:
		err = fmt.Errorf("the proxy adds %s at the median; the goal is under %s", round(p.added()), proxyMedianGoal)
	case p.overhead() > proxyOverheadGoal:
		err = fmt.Errorf("the proxy adds %.1f %% of wall time at 50 ms; the goal is at most %.0f %%", 100*p.overhead(), 100*proxyOverheadGoal)
	case p.tokenRequests != 1:
		err = fmt.Errorf("the measurement made %d token requests for one scope set; want 1", p.tokenRequests)
	}
	return b.String(), err
}

func round(d time.Duration) string { return d.Round(time.Microsecond).String() }
