package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

// configuredServer is the provider's protocol server, configured against a
// local IAM server, as Terraform drives it.
func configuredServer(tb testing.TB, srv *iamserver.Server) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	tb.Helper()
	ctx := context.Background()
	ps := providerserver.NewProtocol6(provider.New("bench")())()
	schemas, err := ps.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	pt := schemas.Provider.ValueType()
	vals := map[string]tftypes.Value{}
	for name, typ := range pt.(tftypes.Object).AttributeTypes {
		vals[name] = tftypes.NewValue(typ, nil)
	}
	vals["client_id"] = tftypes.NewValue(tftypes.String, testClientID)
	vals["client_secret"] = tftypes.NewValue(tftypes.String, testSecret)
	vals["token_url"] = tftypes.NewValue(tftypes.String, srv.TokenURL())
	vals["scopes"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "file:read")})
	cfg, err := tfprotov6.NewDynamicValue(pt, tftypes.NewValue(pt, vals))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := ps.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &cfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("configure: %v %+v", err, resp.Diagnostics)
	}
	return ps, schemas
}

func tokenConfig(tb testing.TB, schema *tfprotov6.Schema) tfprotov6.DynamicValue {
	tb.Helper()
	typ := schema.ValueType()
	vals := map[string]tftypes.Value{}
	for name, t := range typ.(tftypes.Object).AttributeTypes {
		vals[name] = tftypes.NewValue(t, nil)
	}
	vals["scopes"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "file:read")})
	v, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// benchRPC times one protocol call on a configured server; call returns
// the call's diagnostics, which must be empty.
func benchRPC(b *testing.B, ephemeral bool, call func(context.Context, tfprotov6.ProviderServer, *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error)) {
	srv := iam(b, iamserver.Options{})
	ps, schemas := configuredServer(b, srv)
	schema := schemas.DataSourceSchemas["workiva_token"]
	if ephemeral {
		schema = schemas.EphemeralResourceSchemas["workiva_token"]
	}
	cfg := tokenConfig(b, schema)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if diags, err := call(ctx, ps, &cfg); err != nil || len(diags) > 0 {
			b.Fatalf("%v %+v", err, diags)
		}
	}
}

// BenchmarkReadDataSource is one workiva_token data source read served
// from the token cache, through the protocol server as Terraform calls it.
func BenchmarkReadDataSource(b *testing.B) {
	benchRPC(b, false, func(ctx context.Context, ps tfprotov6.ProviderServer, cfg *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := ps.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "workiva_token", Config: cfg})
		if err != nil {
			return nil, err
		}
		return resp.Diagnostics, nil
	})
}

// BenchmarkOpenEphemeralResource is one workiva_token ephemeral resource
// opened from the token cache.
func BenchmarkOpenEphemeralResource(b *testing.B) {
	benchRPC(b, true, func(ctx context.Context, ps tfprotov6.ProviderServer, cfg *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := ps.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "workiva_token", Config: cfg})
		if err != nil {
			return nil, err
		}
		return resp.Diagnostics, nil
	})
}

// BenchmarkValidateDataSourceConfig is the validation Terraform runs for
// every data source before reading it.
func BenchmarkValidateDataSourceConfig(b *testing.B) {
	benchRPC(b, false, func(ctx context.Context, ps tfprotov6.ProviderServer, cfg *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := ps.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "workiva_token", Config: cfg})
		if err != nil {
			return nil, err
		}
		return resp.Diagnostics, nil
	})
}
