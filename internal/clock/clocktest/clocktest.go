// Package clocktest provides a clock that tests move by hand, the way
// net/http/httptest provides servers for tests.
package clocktest

import (
	"sync"
	"time"
)

// Fake is a clock that stands still until Advance moves it. It is safe for
// concurrent use.
type Fake struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a fake clock that starts at the machine's current time.
func New() *Fake { return &Fake{now: time.Now()} }

// Now implements clock.Clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}
