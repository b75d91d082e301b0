package iamserver

import (
	"fmt"
	"net/http"
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
}

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

// nextFault takes the next scripted fault, if any.
func (s *Server) nextFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

func writeFault(w http.ResponseWriter, f Fault) {
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
