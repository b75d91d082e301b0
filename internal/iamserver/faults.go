package iamserver

import (
	"fmt"
	"html"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Fault is one scripted answer to a token request. Faults are consumed in
// order, one per request to a token path (not the bench route), before
// normal processing.
type Fault struct {
	// Delay is waited before answering (or before passing through when Status
	// is zero). The wait ends early when the client goes away.
	Delay time.Duration
	// Status is the HTTP status to answer with. Zero means "after Delay, handle
	// the request normally".
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// ContentType and Body are sent as is. When Body is empty and Status is
	// set, an IamError body with error "temporarily_unavailable" (or
	// "server_error" for 500) is sent.
	ContentType string
	Body        string
	// Header holds extra response headers (Location for redirects, say).
	Header http.Header
	// Echo answers with the whole request (headers and body, as received),
	// the way some gateways' error pages do: EchoHTML as an HTML page,
	// EchoJSON as a JSON document, EchoOAuth inside an OAuth2 error's
	// error_description. Body and ContentType are then ignored.
	Echo Echo
}

// Echo is how a Fault echoes the request.
type Echo string

// The echo formats.
const (
	EchoHTML  Echo = "html"
	EchoJSON  Echo = "json"
	EchoOAuth Echo = "oauth"
)

// Script appends faults to the queue of scripted answers.
func (s *Server) Script(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// SetLatency changes the delay added before every token response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

func (s *Server) currentLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latency
}

// nextFault takes the next scripted fault of the token endpoint, if any.
func (s *Server) nextFault() (Fault, bool) { return s.popFault(&s.faults) }

// popFault takes the first fault of a queue, if any.
func (s *Server) popFault(queue *[]Fault) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(*queue) == 0 {
		return Fault{}, false
	}
	f := (*queue)[0]
	*queue = (*queue)[1:]
	return f, true
}

// dump is the request as an echoing server shows it: the request line, the
// Authorization header and the body first, then the other headers.
func dump(r *http.Request, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\nAuthorization: %s\n\n%s\n\n", r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), body)
	names := slices.Sorted(maps.Keys(r.Header))
	for _, name := range names {
		if name != "Authorization" {
			fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(r.Header[name], ", "))
		}
	}
	return b.String()
}

func writeEcho(w http.ResponseWriter, f Fault, text string) {
	switch f.Echo {
	case EchoHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.Status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>Request rejected</h1><pre>%s</pre></body></html>", html.EscapeString(text))
	case EchoOAuth:
		writeJSON(w, f.Status, IamError{Error: "invalid_request", ErrorDescription: "rejected request: " + text})
	default:
		writeJSON(w, f.Status, map[string]string{"message": "request rejected", "request": text})
	}
}

func writeFault(w http.ResponseWriter, f Fault, r *http.Request, body []byte) {
	if f.Echo != "" {
		writeEcho(w, f, dump(r, body))
		return
	}
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body == "" {
		code := "temporarily_unavailable"
		if f.Status == http.StatusInternalServerError {
			code = "server_error"
		}
		writeJSON(w, f.Status, IamError{Error: code, ErrorDescription: fmt.Sprintf("scripted fault: HTTP %d", f.Status)})
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// sleepCtx waits d, or less when the client goes away; it reports whether
// the client is still there.
func sleepCtx(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
