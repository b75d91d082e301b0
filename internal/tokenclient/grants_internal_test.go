package tokenclient

import (
	"context"
	"net/url"
	"slices"
	"testing"
)

// Every grant is one spec: GrantTypes lists each once, client_credentials
// first, each makes its form and says what it sends, and the federated
// ones are the grants that present a subject token.
func TestEveryGrantIsOneSpec(t *testing.T) {
	if GrantTypes[0] != string(GrantClientCredentials) {
		t.Errorf("GrantTypes = %v; client_credentials, the default, comes first", GrantTypes)
	}
	subject := func(context.Context) (string, error) { return "eyJ.a.b", nil }
	for _, g := range GrantTypes {
		spec, ok := grantSpecOf(GrantType(g))
		if !ok || spec.make == nil || spec.doc == "" {
			t.Fatalf("grant %q: no spec, form or doc", g)
		}
		f := url.Values{}
		if err := spec.make(Config{Subject: subject, SubjectTokenType: "urn:a", RequestedTokenType: "urn:b"}).form(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		for k := range f {
			if !slices.Contains(spec.fields, k) || !slices.Contains(ReservedParams, k) {
				t.Errorf("grant %q writes %q, which its fields (and so ReservedParams) do not name", g, k)
			}
		}
		if presents := f.Has("assertion") || f.Has("subject_token"); presents != GrantType(g).Federated() {
			t.Errorf("grant %q presents a subject token %v, and is federated %v", g, presents, GrantType(g).Federated())
		}
	}
}
