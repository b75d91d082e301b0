package workload

import "testing"

// Every source obtains its token one way: by asking the endpoint its Info
// describes (which internal/iamserver fakes from the same value), or by
// its own obtain; never both, never neither.
func TestEverySourceObtainsOneWay(t *testing.T) {
	for i, src := range sources {
		_, own := src.(obtainer)
		if asks := infos[i].Endpoint != nil; asks == own {
			t.Errorf("source %q: asks an endpoint %v, obtains by itself %v; want one of the two", infos[i].Kind, asks, own)
		}
	}
}
