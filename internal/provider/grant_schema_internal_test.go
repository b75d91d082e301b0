package provider

import (
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// The grant table and grantModel agree: every attribute reads and writes
// the model field its name's tfsdk tag names, and every field has one
// attribute.
func TestGrantTableMatchesModel(t *testing.T) {
	var g grantModel
	gv := reflect.ValueOf(&g).Elem()
	byTag := map[string]int{}
	for i := range gv.NumField() {
		if tag := gv.Type().Field(i).Tag.Get("tfsdk"); tag != "" {
			byTag[tag] = i
		}
	}
	seen := map[string]bool{}
	for _, a := range grantAttributes {
		i, ok := byTag[a.name]
		if !ok || seen[a.name] {
			t.Errorf("attribute %q: no field, or in the table twice", a.name)
			continue
		}
		seen[a.name] = true
		marker := types.StringValue("marker-" + a.name)
		var want attr.Value
		switch gv.Field(i).Interface().(type) {
		case types.String:
			want = marker
		case types.Set:
			want = types.SetValueMust(types.StringType, []attr.Value{marker})
		case types.List:
			want = types.ListValueMust(types.StringType, []attr.Value{marker})
		case types.Map:
			want = types.MapValueMust(types.StringType, map[string]attr.Value{"k": marker})
		case types.Bool:
			want = types.BoolValue(true)
		default:
			t.Fatalf("attribute %q: a field of type %T", a.name, gv.Field(i).Interface())
		}
		a.set(&g, want)
		if !want.Equal(gv.Field(i).Interface().(attr.Value)) {
			t.Errorf("attribute %q writes another field", a.name)
		}
		if !want.Equal(a.value(&g)) {
			t.Errorf("attribute %q reads another field", a.name)
		}
	}
	if len(seen) != len(byTag) {
		t.Errorf("the table has %d attributes, the model %d tagged fields", len(seen), len(byTag))
	}
}

// Every attribute inside grants, and every attribute at the root that may
// hold a credential, has only validators that report without a path
// (pathless.go); the others keep theirs.
func TestValidatorsThatMayPointAtASecretArePathless(t *testing.T) {
	validators := func(a schema.Attribute) []any {
		var out []any
		switch v := a.(type) {
		case schema.StringAttribute:
			for _, x := range v.Validators {
				out = append(out, x)
			}
		case schema.MapAttribute:
			for _, x := range v.Validators {
				out = append(out, x)
			}
		case schema.SetAttribute:
			for _, x := range v.Validators {
				out = append(out, x)
			}
		case schema.ListAttribute:
			for _, x := range v.Validators {
				out = append(out, x)
			}
		case schema.BoolAttribute:
			for _, x := range v.Validators {
				out = append(out, x)
			}
		default:
			t.Fatalf("attribute of type %T", a)
		}
		return out
	}
	isPathless := func(x any) bool {
		switch x.(type) {
		case pathlessString, pathlessMap, pathlessSet, pathlessList, pathlessBool:
			return true
		}
		return false
	}
	root := providerGrantAttributes()
	entry := grantsAttribute().(schema.MapNestedAttribute).NestedObject.Attributes
	for _, a := range grantAttributes {
		for _, v := range validators(entry[a.name]) {
			if !isPathless(v) {
				t.Errorf("grants entry attribute %s has a validator %T that reports with a path", a.name, v)
			}
		}
		for _, v := range validators(root[a.name]) {
			if a.secret() != isPathless(v) {
				t.Errorf("provider attribute %s (holds %d) has validator %T", a.name, a.holds, v)
			}
		}
	}
}

// Every attribute declared to hold a credential (holds keys, credentialName or
// credential) follows every rule of one, from that declaration alone: it
// is sensitive at the root and in grants, its value reaches the scrubber
// (here a key-like marker, which every kind masks), an entry of grants that
// is another client does not inherit it, and a diagnostic about it points
// at no configuration line (its validators are checked above). An
// attribute declared a setting is inherited and not scrubbed.
func TestEveryCredentialSlotFollowsEveryRule(t *testing.T) {
	root := providerGrantAttributes()
	entry := grantsAttribute().(schema.MapNestedAttribute).NestedObject.Attributes
	for _, a := range grantAttributes {
		marker := "Marker0" + a.name + "9Zq7"
		var base grantModel
		switch a.value(&base).(type) {
		case types.String:
			a.set(&base, types.StringValue(marker))
		case types.Map:
			key := "k"
			if a.name == "workload_identity" {
				key = "token"
			}
			a.set(&base, types.MapValueMust(types.StringType, map[string]attr.Value{key: types.StringValue(marker)}))
		default:
			continue // sets and lists of settings
		}
		var scrub redact.Scrubber
		for h, values := range base.credentialValues() {
			h.addTo(&scrub, values...)
		}
		masked := scrub.Scrub("the value "+marker) != "the value "+marker
		inherited, _ := grantModel{ClientID: types.StringValue("another-client")}.inheriting("other", base, origin{}, false)
		got := !a.value(&inherited).IsNull()
		if a.secret() {
			if !masked || got || !root[a.name].IsSensitive() || !entry[a.name].IsSensitive() {
				t.Errorf("%s holds a credential: masked %v, inherited by another client %v, sensitive %v and %v", a.name, masked, got,
					root[a.name].IsSensitive(), entry[a.name].IsSensitive())
			}
			continue
		}
		if masked || got != (a.holds == setting) {
			t.Errorf("%s (holds %d): masked %v, inherited by another client %v", a.name, a.holds, masked, got)
		}
	}
	for _, name := range []string{"client_secret", "client_secret_file", "extra_params", "client_assertion_key_pem", "client_assertion",
		"workload_identity", "client_key_pem"} {
		if !sensitiveAttribute(name) {
			t.Errorf("%s may hold a credential and is not declared so", name)
		}
	}
	for v, h := range credentialVariables() {
		if h < keys {
			t.Errorf("%s is listed as a credential variable but holds %d", v, h)
		}
	}
	for _, v := range []string{EnvClientSecret, EnvClientSecretFile, EnvClientAssertion, EnvClientAssertionFile} {
		if _, ok := credentialVariables()[v]; !ok {
			t.Errorf("%s is not a credential variable", v)
		}
	}
}

// A form field's name that says its value is a credential makes it one,
// whatever its shape; other names leave the key-like rule.
func TestNamesASecret(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "api_key": true, "apiKey": true, "x-auth-token": true, "client_pin": true, "SIGNATURE": true, "sessionId": true, "accesstoken": true,
		"tenant": false, "audience_hint": false, "region": false, "monkey_name": false, "": false,
	} {
		if got := namesASecret(name); got != want {
			t.Errorf("namesASecret(%q) = %v, want %v", name, got, want)
		}
	}
}

// workload_identity's keys are the source and every setting a source reads
// (workload.Settings), each declared once with what it holds.
func TestWorkloadIdentityKeysAreTheSourcesSettings(t *testing.T) {
	want := append([]string{"source"}, workload.Settings...)
	got := identityKeyNames()
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("workload_identity keys %v, want %v", got, want)
	}
}
