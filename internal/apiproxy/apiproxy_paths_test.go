package apiproxy_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/apiproxy"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
)

// Whatever the request line, Host or forwarding headers say, a request
// with the key goes to the upstream, below its base path, or nowhere; TRACE
// is not forwarded.
func TestPathsStayOnTheUpstream(t *testing.T) {
	srv := server(t, iamserver.Options{})
	seen := make(chan string, 20)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Method + " host=" + r.Host + " uri=" + r.RequestURI + " auth=" + r.Header.Get("Authorization")[:7] + " cookie=" + r.Header.Get("Cookie") + " xfh=" + r.Header.Get("X-Forwarded-Host")
		if r.Method == "TRACE" {
			_, _ = w.Write([]byte(r.Header.Get("Authorization")))
		}
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL + "/base")
	p, _ := start(t, srv, apiproxy.Options{Upstream: u})
	auth := "Authorization: Bearer " + p.Key()
	for _, line := range []string{"GET //evil.com/x HTTP/1.1", "GET /../../x HTTP/1.1", "GET /%2e%2e/%2F/x HTTP/1.1", "GET /@evil.com/x HTTP/1.1",
		"GET http:/x HTTP/1.1", "GET http://evil.com/x HTTP/1.1", "TRACE /t HTTP/1.1"} {
		st := rawRequest(t, p, line, "Host: evil.com", "X-Forwarded-Host: evil.com", "Cookie: a=b", "Connection: Authorization, Cookie", auth)
		got := ""
		select {
		case got = <-seen:
		default:
		}
		forwarded := strings.HasPrefix(line, "GET /")
		if forwarded != (st == 200) || forwarded != (got != "") {
			t.Errorf("%s: HTTP %d, upstream saw %q", line, st, got)
		}
		if got != "" && (!strings.Contains(got, " host="+u.Host+" ") || !strings.Contains(got, " uri=/base/")) {
			t.Errorf("%s went elsewhere: %s", line, got)
		}
	}
	if st := rawRequest(t, p, "GET /v10 HTTP/1.0", auth); st != 200 || !strings.Contains(<-seen, " uri=/base/v10 ") {
		t.Errorf("HTTP/1.0 without Host: HTTP %d", st)
	}
}
