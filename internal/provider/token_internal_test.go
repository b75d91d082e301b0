package provider

import (
	"context"
	"reflect"
	"testing"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The tagged models and the schemas describe the same attributes: each
// model is written whole into a value of its schema, and read back.
func TestTokenModelsMatchSchemas(t *testing.T) {
	ctx := context.Background()
	ds := dsschema.Schema{Attributes: dataSourceTokenAttributes()}
	eph := ephschema.Schema{Attributes: ephemeralTokenAttributes()}
	var e ephemeralTokenModel
	unknownToken(&grant{defaultScopes: []string{"file:read"}}, &e.tokenModel)
	state := tfsdk.State{Schema: ds, Raw: tftypes.NewValue(ds.Type().TerraformType(ctx), nil)}
	if d := state.Set(ctx, &e.tokenModel); d.HasError() {
		t.Errorf("the data source's model does not fit its schema: %v", d)
	}
	var back tokenModel
	if d := state.Get(ctx, &back); d.HasError() || !back.AccessToken.IsUnknown() {
		t.Errorf("reading the data source's model back: %v", d)
	}
	result := tfsdk.EphemeralResultData{Schema: eph, Raw: tftypes.NewValue(eph.Type().TerraformType(ctx), nil)}
	if d := result.Set(ctx, &e); d.HasError() {
		t.Errorf("the ephemeral resource's model does not fit its schema: %v", d)
	}
}

// The codec reads and writes a tagged model as the framework's reflection
// does: a model written by objectOf and read back by readModel is the same,
// embedded fields included, and the framework reads objectOf's value into
// the same model.
func TestTokenCodecRoundTrip(t *testing.T) {
	ctx := context.Background()
	var e ephemeralTokenModel
	unknownToken(&grant{defaultScopes: []string{"file:read", "graph:read"}}, &e.tokenModel)
	e.AccessToken, e.ExpiresIn, e.IssuedTokenType = types.StringValue("tok"), types.Int64Value(599), types.StringNull()
	e.Grant, e.RevokeOnClose = types.StringValue("publishing"), types.BoolValue(true)
	obj, err := objectOf(&e)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obj.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var back ephemeralTokenModel
	if err := readModel(raw, &back); err != nil {
		t.Fatal(err)
	}
	var framework ephemeralTokenModel
	eph := ephschema.Schema{Attributes: ephemeralTokenAttributes()}
	if d := (tfsdk.Config{Schema: eph, Raw: raw}).Get(ctx, &framework); d.HasError() {
		t.Fatal(d)
	}
	if !reflect.DeepEqual(back, e) || !reflect.DeepEqual(framework, e) {
		t.Errorf("round trip:\n got %#v\nwant %#v\nframework %#v", back.Scopes, e.Scopes, framework.Scopes)
	}
}
