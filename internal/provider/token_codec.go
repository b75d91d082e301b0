package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// workiva_token's models carry tfsdk tags and are read and written by them,
// as the framework's Config.Get and Result.Set would (for the field types
// the models have: String, Bool, Int64 and Set of strings; an unknown
// element makes a set unknown), but through field
// indexes found once per model type: the framework's reflection (a regular
// expression compiled per field on every call) costs 0.11 ms per read,
// most of the provider's own CPU time per data source. Measured with
// BenchmarkReadDataSource: 245 µs per read with Config.Get and State.Set,
// 136 µs this way; `make bench`: 1000 data sources 1.22 times the floor
// provider with them, where the bound is 1.10 (1.09 this way).

// modelFields are the fields of the tagged models by tfsdk tag, each an
// index path (a field of an embedded struct included), found once.
var modelFields = map[reflect.Type]map[string][]int{
	reflect.TypeFor[tokenModel]():          tagIndex(reflect.TypeFor[tokenModel]()),
	reflect.TypeFor[ephemeralTokenModel](): tagIndex(reflect.TypeFor[ephemeralTokenModel]()),
}

// fieldsOf are t's fields by tfsdk tag.
func fieldsOf(t reflect.Type) map[string][]int {
	if f, ok := modelFields[t]; ok {
		return f
	}
	return tagIndex(t)
}

// readModel sets the fields of the tagged model target points at from a
// configuration value of its schema's object type.
func readModel(raw tftypes.Value, target any) error {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return err
	}
	v := reflect.ValueOf(target).Elem()
	for name, idx := range fieldsOf(v.Type()) {
		av, ok := attrs[name]
		if !ok {
			return errors.New("the configuration lacks the model's attribute " + name)
		}
		if err := readField(av, v.FieldByIndex(idx).Addr().Interface()); err != nil {
			return err
		}
	}
	return nil
}

// readField sets a model field (a *types.String, *types.Bool, *types.Int64
// or *types.Set of strings) from a configuration value.
func readField(v tftypes.Value, field any) error {
	switch p := field.(type) {
	case *types.Set:
		*p = types.SetNull(types.StringType)
		if !v.IsKnown() {
			*p = types.SetUnknown(types.StringType)
			return nil
		}
		if v.IsNull() {
			return nil
		}
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		values := make([]attr.Value, 0, len(elems))
		for _, e := range elems {
			if !e.IsKnown() {
				*p = types.SetUnknown(types.StringType)
				return nil
			}
			var s string
			if err := e.As(&s); err != nil {
				return err
			}
			values = append(values, types.StringValue(s))
		}
		*p = types.SetValueMust(types.StringType, values)
	case *types.Bool:
		*p = types.BoolNull()
		if !v.IsKnown() {
			*p = types.BoolUnknown()
			return nil
		}
		return readScalar(v, func(b bool) { *p = types.BoolValue(b) })
	case *types.String:
		*p = types.StringNull()
		if !v.IsKnown() {
			*p = types.StringUnknown()
			return nil
		}
		return readScalar(v, func(s string) { *p = types.StringValue(s) })
	case *types.Int64:
		*p = types.Int64Null()
		if !v.IsKnown() {
			*p = types.Int64Unknown()
			return nil
		}
		if v.IsNull() {
			return nil
		}
		var n big.Float
		if err := v.As(&n); err != nil {
			return err
		}
		i, _ := n.Int64()
		*p = types.Int64Value(i)
	default:
		return fmt.Errorf("a model field of type %T", field)
	}
	return nil
}

// readScalar hands a known, non-null configuration value to set.
func readScalar[T bool | string](v tftypes.Value, set func(T)) error {
	if v.IsNull() {
		return nil
	}
	var x T
	if err := v.As(&x); err != nil {
		return err
	}
	set(x)
	return nil
}

// objectOf is the tagged model src points at as a types.Object, which
// State.Set and Result.Set take without reflection.
func objectOf(src any) (types.Object, error) {
	v := reflect.ValueOf(src).Elem()
	fields := fieldsOf(v.Type())
	attrTypes, values := make(map[string]attr.Type, len(fields)), make(map[string]attr.Value, len(fields))
	for name, idx := range fields {
		value, ok := v.FieldByIndex(idx).Interface().(attr.Value)
		if !ok {
			return types.Object{}, fmt.Errorf("%s: not an attr.Value", name)
		}
		if s, isSet := value.(types.Set); isSet && s.ElementType(context.Background()) == nil {
			value = types.SetNull(types.StringType) // a zero Set: null
		}
		values[name], attrTypes[name] = value, value.Type(context.Background())
	}
	obj, diags := types.ObjectValue(attrTypes, values)
	if diags.HasError() {
		return obj, fmt.Errorf("%s", diags[0].Detail())
	}
	return obj, nil
}
