package tokenclient

import (
	"net/http"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock"
)

func TestBackoff(t *testing.T) {
	backoff := backoff(clock.System())
	withRetryAfter := func(v string) *http.Response {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
	}
	const minWait, maxWait = DefaultRetryWaitMin, DefaultRetryWaitMax
	// Exponential, ×1.5 per attempt, ±25 % jitter, capped at maxWait.
	for attempt, base := range []float64{0.5, 0.75, 1.125, 1.6875} {
		for range 50 {
			d := backoff(minWait, maxWait, attempt, nil).Seconds()
			if d < base*0.75-1e-9 || d > base*1.25+1e-9 {
				t.Fatalf("attempt %d waited %.3fs, want %.3f±25%%", attempt, d, base)
			}
		}
	}
	if d := backoff(minWait, maxWait, 30, nil); d != maxWait {
		t.Errorf("attempt 30 waits %s, want the %s cap", d, maxWait)
	}
	// Retry-After wins, as seconds or as an HTTP date, capped at 60 s.
	if d := backoff(minWait, maxWait, 0, withRetryAfter("7")); d != 7*time.Second {
		t.Errorf("Retry-After 7 gave %s", d)
	}
	if d := backoff(minWait, maxWait, 0, withRetryAfter("3600")); d != MaxRetryAfter {
		t.Errorf("Retry-After 3600 gave %s, want the %s cap", d, MaxRetryAfter)
	}
	date := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	if d := backoff(minWait, maxWait, 0, withRetryAfter(date)); d < 18*time.Second || d > 20*time.Second {
		t.Errorf("Retry-After %s gave %s, want about 20s", date, d)
	}
	if d := backoff(minWait, maxWait, 0, withRetryAfter("soon")); d > time.Second {
		t.Errorf("an unparsable Retry-After gave %s, want the exponential backoff", d)
	}
}
