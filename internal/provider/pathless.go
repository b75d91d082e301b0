package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Terraform prints the configuration lines a diagnostic's path resolves
// to, whole, and resolves a path inside grants (an expression it cannot
// point into) to the provider block's attribute of the same name. So that
// no diagnostic prints a credential written in the configuration, the
// validators of every attribute that may hold one (a sensitive attribute,
// extra_params, workload_identity) and of every attribute inside grants
// report without a path: their diagnostics point at the provider block and
// name the attribute in words. attrPath is the same rule for the
// provider's own diagnostics.

// unpointed is diags with no path, each naming where it applies.
func unpointed(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		detail := d.Detail()
		if dp, ok := d.(diag.DiagnosticWithPath); ok && !dp.Path().Equal(path.Empty()) {
			detail += "\n\n(At " + dp.Path().String() + ".)"
		}
		if d.Severity() == diag.SeverityWarning {
			out.AddWarning(d.Summary(), detail)
		} else {
			out.AddError(d.Summary(), detail)
		}
	}
	return out
}

type pathlessString struct{ validator.String }

func (v pathlessString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	inner := &validator.StringResponse{}
	v.String.ValidateString(ctx, req, inner)
	resp.Diagnostics.Append(unpointed(inner.Diagnostics)...)
}

type pathlessMap struct{ validator.Map }

func (v pathlessMap) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	inner := &validator.MapResponse{}
	v.Map.ValidateMap(ctx, req, inner)
	resp.Diagnostics.Append(unpointed(inner.Diagnostics)...)
}

type pathlessSet struct{ validator.Set }

func (v pathlessSet) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	inner := &validator.SetResponse{}
	v.Set.ValidateSet(ctx, req, inner)
	resp.Diagnostics.Append(unpointed(inner.Diagnostics)...)
}

type pathlessList struct{ validator.List }

func (v pathlessList) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	inner := &validator.ListResponse{}
	v.List.ValidateList(ctx, req, inner)
	resp.Diagnostics.Append(unpointed(inner.Diagnostics)...)
}

// wrapAll wraps each validator with wrap.
func wrapAll[V any](vs []V, wrap func(V) V) []V {
	out := make([]V, len(vs))
	for i, v := range vs {
		out[i] = wrap(v)
	}
	return out
}

// pathless is a grant attribute whose validators report without a path.
func pathless(a schema.Attribute) schema.Attribute {
	switch v := a.(type) {
	case schema.StringAttribute:
		v.Validators = wrapAll(v.Validators, func(x validator.String) validator.String { return pathlessString{x} })
		return v
	case schema.MapAttribute:
		v.Validators = wrapAll(v.Validators, func(x validator.Map) validator.Map { return pathlessMap{x} })
		return v
	case schema.SetAttribute:
		v.Validators = wrapAll(v.Validators, func(x validator.Set) validator.Set { return pathlessSet{x} })
		return v
	case schema.ListAttribute:
		v.Validators = wrapAll(v.Validators, func(x validator.List) validator.List { return pathlessList{x} })
		return v
	}
	panic("pathless: a grant attribute of a type it does not know") // TestEveryGrantAttributeCanBePathless rules this out
}
