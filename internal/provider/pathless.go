package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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

// The validators of each kind, reporting without a path (unpointedRun).
type (
	pathlessString struct{ validator.String }
	pathlessMap    struct{ validator.Map }
	pathlessSet    struct{ validator.Set }
	pathlessList   struct{ validator.List }
	pathlessBool   struct{ validator.Bool }
)

func (v pathlessString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	unpointedRun(ctx, req, resp, &resp.Diagnostics, v.String.ValidateString)
}
func (v pathlessMap) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	unpointedRun(ctx, req, resp, &resp.Diagnostics, v.Map.ValidateMap)
}
func (v pathlessSet) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	unpointedRun(ctx, req, resp, &resp.Diagnostics, v.Set.ValidateSet)
}
func (v pathlessList) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	unpointedRun(ctx, req, resp, &resp.Diagnostics, v.List.ValidateList)
}
func (v pathlessBool) ValidateBool(ctx context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	unpointedRun(ctx, req, resp, &resp.Diagnostics, v.Bool.ValidateBool)
}

// unpointedRun runs validate, then takes the path off the diagnostics it
// added to diags (resp's).
func unpointedRun[Req, Resp any](ctx context.Context, req Req, resp *Resp, diags *diag.Diagnostics, validate func(context.Context, Req, *Resp)) {
	n := len(*diags)
	validate(ctx, req, resp)
	*diags = append((*diags)[:n], unpointed((*diags)[n:])...)
}

// unpointedIf is vs, each made to report without a path (as) when
// pathless.
func unpointedIf[V any](pathless bool, vs []V, as func(V) V) []V {
	if !pathless {
		return vs
	}
	out := make([]V, len(vs))
	for i, v := range vs {
		out[i] = as(v)
	}
	return out
}

func asPathlessString(v validator.String) validator.String { return pathlessString{v} }
func asPathlessMap(v validator.Map) validator.Map          { return pathlessMap{v} }
func asPathlessSet(v validator.Set) validator.Set          { return pathlessSet{v} }
func asPathlessList(v validator.List) validator.List       { return pathlessList{v} }
func asPathlessBool(v validator.Bool) validator.Bool       { return pathlessBool{v} }
