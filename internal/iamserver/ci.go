package iamserver

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// CIFakes, when set in Options, makes the server serve the token endpoint
// of every CI system a workload source asks (workload.Endpoints), each as the source's Endpoint describes it
// (the system's documentation): on /_ci/<kind> (a metadata server on its
// fixed path), checking the method, the query fields, and the request
// token (RequestToken, presented as the system's scheme says) or header,
// and answering a token that Issuer signs for Subject, for the audience
// the request asked (or the one the system always gives), in the member
// the system answers it in (as text for a metadata server). CIEnv gives
// the variables that point a source at its fake.
//
// Tokens live TokenLifetime (five minutes when zero), as CI tokens do.
type CIFakes struct {
	Issuer        *CIIssuer
	Subject       string
	RequestToken  string
	TokenLifetime time.Duration
}

// ciPath is where the fake of kind's endpoint e listens.
func ciPath(kind workload.Kind, e workload.Endpoint) string {
	return cmp.Or(e.Path, "/_ci/"+string(kind))
}

// CIEnv is the environment that points the source of kind at its fake:
// its URL (with the query the system gives it) or host, and its request
// token. Nil for a source that asks no endpoint.
func (s *Server) CIEnv(kind workload.Kind) map[string]string {
	e, ok := workload.Endpoints()[kind]
	if !ok {
		return nil
	}
	if e.URLVariable == "" {
		return map[string]string{e.HostVariable: strings.TrimPrefix(s.URL(), "http://")}
	}
	u := s.URL() + ciPath(kind, e)
	if e.Given != "" {
		u += "?" + e.Given
	}
	env := map[string]string{e.URLVariable: u}
	if e.TokenVariable != "" && s.opts.CI != nil {
		env[e.TokenVariable] = s.opts.CI.RequestToken
	}
	return env
}

// CIURL is the value CIEnv gives the variable of kind's URL (or host).
func (s *Server) CIURL(kind workload.Kind) string {
	e := workload.Endpoints()[kind]
	return s.CIEnv(kind)[cmp.Or(e.URLVariable, e.HostVariable)]
}

func (s *Server) handleCI(e workload.Endpoint) http.HandlerFunc {
	given, _ := url.ParseQuery(e.Given)
	return func(w http.ResponseWriter, r *http.Request) {
		ci := s.opts.CI
		if e.Metadata {
			// The metadata server says so on every answer.
			w.Header().Set("Metadata-Flavor", "Google")
		}
		if !sleepCtx(r, s.currentLatency()) {
			s.record(r, nil, "", 0)
			return
		}
		if fault, ok := s.nextCIFault(); ok {
			s.record(r, nil, "", fault.Status)
			writeFault(w, fault, r, nil)
			return
		}
		q := r.URL.Query()
		audience, status := e.Audience, http.StatusOK
		for _, f := range e.Query {
			if f.Setting == "audience" {
				audience = q.Get(f.Name)
			}
			if v := q.Get(f.Name); v == "" || f.Value != "" && v != f.Value {
				status = http.StatusBadRequest
			}
		}
		for k := range given {
			if q.Get(k) != given.Get(k) {
				status = http.StatusBadRequest
			}
		}
		authorized := e.TokenVariable == "" || r.Header.Get("Authorization") == e.Scheme+ci.RequestToken
		for k, v := range e.Header {
			if r.Header.Get(k) != v {
				authorized = false
			}
		}
		switch {
		case r.Method != e.Method:
			status = http.StatusMethodNotAllowed
		case !authorized:
			status = http.StatusUnauthorized
		}
		if status != http.StatusOK {
			s.record(r, nil, "", status)
			http.Error(w, http.StatusText(status), status)
			return
		}
		now := s.clock.Now()
		tok, err := ci.Issuer.Sign(ci.Subject, audience, now, now.Add(cmp.Or(ci.TokenLifetime, 5*time.Minute)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.mu.Lock()
		s.ciIssued = append(s.ciIssued, tok)
		s.mu.Unlock()
		s.record(r, nil, "", http.StatusOK)
		if e.Answer == "" {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(tok))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{e.Answer: tok})
	}
}

// routeCI serves the CI fakes on mux.
func (s *Server) routeCI(mux *http.ServeMux) {
	for kind, e := range workload.Endpoints() {
		mux.HandleFunc(ciPath(kind, e), s.handleCI(e))
	}
}

// ScriptCI appends faults to the queue of scripted answers of the CI fakes.
func (s *Server) ScriptCI(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ciFaults = append(s.ciFaults, faults...)
}

func (s *Server) nextCIFault() (Fault, bool) { return s.popFault(&s.ciFaults) }

// CIIssued returns the workload-identity tokens the CI fakes handed out.
func (s *Server) CIIssued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ciIssued...)
}

// CIRequests returns the requests the CI fakes received.
func (s *Server) CIRequests() []Request {
	paths := map[string]bool{}
	for kind, e := range workload.Endpoints() {
		paths[ciPath(kind, e)] = true
	}
	return s.requestsOn(func(p string) bool { return paths[p] })
}
