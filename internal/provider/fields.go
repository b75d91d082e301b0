package provider

import (
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
)

// The models carry tfsdk tags, as the framework reads them; the tables of
// attributes (grantAttributes, providerWideAttributes) reach a model's
// field by its attribute's name through them, and the token codec reads
// and writes whole models by them.

// tagIndex finds the fields of a struct type by tfsdk tag, as the framework
// reads them: exported fields with a tag, and the fields of an embedded
// struct without one (exported or not); a tag given twice is a programming
// error.
func tagIndex(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(append([]int(nil), prefix...), i)
			switch tag := f.Tag.Get("tfsdk"); {
			case tag == "-":
			case tag == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
				walk(f.Type, idx)
			case tag == "" || !f.IsExported():
				// Not an attribute, as the framework has it.
			default:
				if _, twice := out[tag]; twice {
					panic("tagIndex: " + t.String() + " has the tfsdk tag " + tag + " twice")
				}
				out[tag] = idx
			}
		}
	}
	walk(t, nil)
	return out
}

// fieldByName is the field of the model m points at whose tfsdk tag is
// name, in fields (tagIndex of its type).
func fieldByName(m any, fields map[string][]int, name string) reflect.Value {
	return reflect.ValueOf(m).Elem().FieldByIndex(fields[name])
}

// valueByName is that field's value.
func valueByName(m any, fields map[string][]int, name string) attr.Value {
	v, _ := fieldByName(m, fields, name).Interface().(attr.Value)
	return v
}
