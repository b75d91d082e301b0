package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

// The data source and the ephemeral resource are one type in two forms:
// their schemas must not drift apart. The ephemeral resource has its own
// attributes besides (revoke_on_close), which the table marks.
func TestTokenSchemasAgree(t *testing.T) {
	ps := providerserver.NewProtocol6(provider.New("test")())()
	schemas, err := ps.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ds, er := schemas.DataSourceSchemas["workiva_token"], schemas.EphemeralResourceSchemas["workiva_token"]
	if ds == nil || er == nil {
		t.Fatal("workiva_token is missing from the schema")
	}
	type shape struct {
		typ                           string
		optional, computed, sensitive bool
	}
	shapes := func(s *tfprotov6.Schema) map[string]shape {
		out := map[string]shape{}
		for _, a := range s.Block.Attributes {
			out[a.Name] = shape{a.Type.String(), a.Optional, a.Computed, a.Sensitive}
		}
		return out
	}
	d, e := shapes(ds), shapes(er)
	if len(e) != provider.TokenAttributeCount || len(d) != len(e)-len(provider.EphemeralOnly) {
		t.Fatalf("data source has %d attributes, ephemeral resource %d", len(d), len(e))
	}
	for name := range provider.EphemeralOnly {
		if _, ok := d[name]; ok {
			t.Errorf("the data source has the ephemeral resource's own %s", name)
		}
	}
	for name, want := range d {
		if got, ok := e[name]; !ok || got != want {
			t.Errorf("attribute %s: data source %+v, ephemeral resource %+v", name, want, got)
		}
	}
	if !d["access_token"].sensitive {
		t.Error("access_token is not sensitive")
	}
}
