// Package clock is the one source of the current time for the token client,
// the provider and the local IAM server, injected where they are built (as
// terraform-provider-time injects its clock), so that tests can move time by
// hand. Package clocktest has a clock for them.
package clock

import "time"

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the machine's clock.
func System() Clock { return system{} }

type system struct{}

func (system) Now() time.Time { return time.Now() }

// OrSystem returns c, or the system clock when c is nil.
func OrSystem(c Clock) Clock {
	if c == nil {
		return System()
	}
	return c
}
