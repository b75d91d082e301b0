// Command floorprovider is the benchmark's floor: a minimal framework
// provider, built only by `make bench`, whose one data source has
// workiva_token's schema (the same schema value) and returns fixed values
// without any request. It measures what any provider with that schema must
// cost per data source, so that the benchmark can show how far the real
// provider is from it. Like the provider, it turns the SDK's unread logs off.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	workiva "github.com/clientcreds/terraform-provider-workiva/internal/provider"
	"github.com/clientcreds/terraform-provider-workiva/internal/quietlogs"
)

func main() {
	quietlogs.Apply()
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/bench/workiva"})
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "workiva"
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return &floorToken{} }}
}

// floorToken is workiva_token's schema with a fixed result.
type floorToken struct{}

func (floorToken) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (floorToken) Schema(ctx context.Context, req datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	workiva.NewTokenDataSource().Schema(ctx, req, resp)
}

func (floorToken) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(resp.State.Set(ctx, fixed)...)
}

// fixed is the result every read returns, built once from the schema: a
// fixed value of each attribute's type.
var fixed = func() basetypes.ObjectValue {
	ctx := context.Background()
	var resp datasource.SchemaResponse
	workiva.NewTokenDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
	attrTypes, values := map[string]attr.Type{}, map[string]attr.Value{}
	for name, a := range resp.Schema.Attributes {
		t := a.GetType()
		attrTypes[name] = t
		switch t {
		case types.StringType:
			values[name] = types.StringValue("floor")
		case types.BoolType:
			values[name] = types.BoolValue(false)
		case types.Int64Type:
			values[name] = types.Int64Value(599)
		default: // a set of strings
			values[name] = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("file:read")})
		}
	}
	obj, diags := types.ObjectValue(attrTypes, values)
	if diags.HasError() {
		panic("floor provider: the fixed result does not match the schema")
	}
	return obj
}()
