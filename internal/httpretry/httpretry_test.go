package httpretry_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/clock/clocktest"
	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
)

func withRetryAfter(v string) *http.Response {
	return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
}

// The waits between retries: the larger of Retry-After and the exponential
// backoff, plus 0–50 % jitter, each part capped.
func TestBackoff(t *testing.T) {
	clk := clocktest.New()
	backoff := httpretry.Backoff(clk)
	const minWait, maxWait = httpretry.DefaultWaitMin, httpretry.DefaultWaitMax
	within := func(t *testing.T, what string, d time.Duration, base float64) {
		t.Helper()
		if s := d.Seconds(); s < base-1e-9 || s >= base*1.5+1e-9 {
			t.Fatalf("%s waited %.3fs, want %.3fs plus at most 50 %%", what, s, base)
		}
	}
	// Without Retry-After: ×1.5 per attempt, capped at maxWait.
	for attempt, base := range []float64{0.5, 0.75, 1.125, 1.6875} {
		for range 50 {
			within(t, fmt.Sprint("attempt ", attempt), backoff(minWait, maxWait, attempt, nil), base)
		}
	}
	within(t, "attempt 30", backoff(minWait, maxWait, 30, nil), maxWait.Seconds())

	// A gateway that always answers "Retry-After: 1": the waits are at
	// least a second, grow with the attempt, and are spread by jitter, so
	// eight retries give the fleet far more than eight seconds.
	var total time.Duration
	seen := map[time.Duration]bool{}
	for attempt := range 8 {
		base := max(1, 0.5*pow15(attempt))
		d := backoff(minWait, maxWait, attempt, withRetryAfter("1"))
		within(t, fmt.Sprint("Retry-After 1, attempt ", attempt), d, base)
		total += d
		seen[d] = true
	}
	if total < 16*time.Second {
		t.Errorf("eight retries after Retry-After: 1 wait %s in all, want at least 16s", total)
	}
	if len(seen) < 8 {
		t.Errorf("waits %v repeat: no jitter", seen)
	}
	var first []time.Duration
	for range 20 {
		first = append(first, backoff(minWait, maxWait, 0, withRetryAfter("1")))
	}
	if spread := maxOf(first) - minOf(first); spread < 50*time.Millisecond {
		t.Errorf("20 clients told Retry-After: 1 retry within %s of each other", spread)
	}

	// Retry-After above the backoff is the floor, as seconds or as an HTTP
	// date read on the client's clock, capped at MaxRetryAfter.
	within(t, "Retry-After 7", backoff(minWait, maxWait, 0, withRetryAfter("7")), 7)
	within(t, "Retry-After 3600", backoff(minWait, maxWait, 0, withRetryAfter("3600")), httpretry.MaxRetryAfter.Seconds())
	date := clk.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	at, _ := http.ParseTime(date)
	within(t, "Retry-After "+date, backoff(minWait, maxWait, 0, withRetryAfter(date)), at.Sub(clk.Now()).Seconds())
	within(t, "an unparsable Retry-After", backoff(minWait, maxWait, 0, withRetryAfter("soon")), 0.5)
}

func pow15(n int) float64 {
	f := 1.0
	for range n {
		f *= 1.5
	}
	return f
}

func maxOf(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func minOf(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"Mon, 23 Nov 2026 12:00:10 GMT", 10 * time.Second, true},
		{"Mon, 23 Nov 2026 11:00:00 GMT", 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
	}
	for _, tc := range cases {
		got, ok := httpretry.ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
