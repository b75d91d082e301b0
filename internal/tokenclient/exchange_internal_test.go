package tokenclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// A 307 answer, which net/http would replay the request to, is not
// followed, and its replay body is the attempt's own: the assertion is
// made once, and the answer is the server's redirect, not an assertion
// failure.
func TestA307IsNotFollowedNorRemade(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Location", "https://elsewhere.example/token")
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	var calls atomic.Int32
	c, err := New(Config{TokenURL: srv.URL, ClientID: "id", AuthStyle: AuthStyleClientAssertion,
		Assertion: func(context.Context) (string, error) {
			if calls.Add(1) > 1 {
				return "", errors.New("second fetch of the CI token")
			}
			return "eyJ.a.b", nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Token(context.Background(), nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err %v", err)
	}
	if calls.Load() != 1 || e.Kind != KindServer || e.Location.IsZero() {
		t.Errorf("assertion made %d times; kind %s, location %v, err %v", calls.Load(), e.Kind, !e.Location.IsZero(), e.Err)
	}
}
