package provider

import (
	"reflect"
	"strings"
	"testing"
)

// tokenAttributes and tokenModel describe the same attributes: every table
// entry points at its own model field, whose name is the attribute's in
// CamelCase, and every field has an entry.
func TestTokenTableMatchesModel(t *testing.T) {
	var m tokenModel
	fields := map[any]string{}
	mv := reflect.ValueOf(&m).Elem()
	for i := range mv.NumField() {
		fields[mv.Field(i).Addr().Interface()] = mv.Type().Field(i).Name
	}
	camel := func(s string) string {
		parts := strings.Split(s, "_")
		for i, p := range parts {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
		return strings.Join(parts, "")
	}
	seen := map[string]bool{}
	for _, a := range tokenAttributes {
		field, ok := fields[a.field(&m)]
		if !ok || !strings.EqualFold(field, camel(a.name)) {
			t.Errorf("attribute %q points at the field %q", a.name, field)
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
