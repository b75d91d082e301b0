package provider

import (
	"reflect"
	"testing"
)

// tokenAttributes and tokenModel describe the same attributes: every table
// entry points at the model field whose tfsdk tag is its name, and every
// field has an entry.
func TestTokenTableMatchesModel(t *testing.T) {
	var m tokenModel
	fields := map[any]string{}
	mv := reflect.ValueOf(&m).Elem()
	for i := range mv.NumField() {
		fields[mv.Field(i).Addr().Interface()] = mv.Type().Field(i).Tag.Get("tfsdk")
	}
	seen := map[string]bool{}
	for _, a := range tokenAttributes {
		tag, ok := fields[a.field(&m)]
		if !ok || tag != a.name {
			t.Errorf("attribute %q points at the field tagged %q", a.name, tag)
		}
		if seen[a.name] {
			t.Errorf("attribute %q is in the table twice", a.name)
		}
		seen[a.name] = true
		_ = valueOf(a.field(&m)) // panics on a field type the table cannot handle
	}
	if len(seen) != mv.NumField() {
		t.Errorf("the table has %d attributes, the model %d fields", len(seen), mv.NumField())
	}
}
