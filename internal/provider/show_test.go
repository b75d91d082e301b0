package provider

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

const modulePath = "github.com/clientcreds/terraform-provider-workiva"

// The rule of show.go, checked on the package's source with its types: in
// every non-test file but show.go and logging.go (the log adapter, which
// shows its fields through a shower),
//   - no error's text is taken (err.Error()) or formatted: passed to fmt,
//     errors.New, a diag constructor or a Diagnostics method, or joined
//     with +;
//   - no redact.Untrusted is formatted or joined (it would print the
//     placeholder: a mistake);
//   - no string field of a tokenclient or workload type is formatted or
//     joined unless its declaration tags it `shown:"ours"`: the field then
//     holds text the provider or the user wrote (a URL as redact.ShowURL
//     gives it, a variable's name), never what a server sent;
//   - nothing logs through tflog directly.
//
// So a new code path that prints what a server or the transport said
// another way than through a shower fails here.
func TestServerTextOnlyThroughShow(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the package with its types")
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
		packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports, Dir: "."}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 || len(pkgs) != 1 {
		t.Fatal("the package does not load")
	}
	pkg := pkgs[0]
	errorType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	isError := func(t types.Type) bool { return t != nil && types.Implements(t, errorType) }
	isUntrusted := func(t types.Type) bool {
		n, ok := t.(*types.Named)
		return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == modulePath+"/internal/redact" && n.Obj().Name() == "Untrusted"
	}
	// unshownField is a string field of a tokenclient or workload type
	// that is not tagged shown:"ours".
	unshownField := func(e ast.Expr) (string, bool) {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		s, ok := pkg.TypesInfo.Selections[sel]
		if !ok || s.Kind() != types.FieldVal {
			return "", false
		}
		field := s.Obj().(*types.Var)
		if p := field.Pkg(); p == nil || (p.Path() != modulePath+"/internal/tokenclient" && p.Path() != modulePath+"/internal/workload") {
			return "", false
		}
		if b, ok := field.Type().Underlying().(*types.Basic); !ok || b.Kind() != types.String || field.Type() != types.Typ[types.String] {
			return "", false
		}
		recv := s.Recv()
		if p, ok := recv.(*types.Pointer); ok {
			recv = p.Elem()
		}
		st, ok := recv.Underlying().(*types.Struct)
		if !ok {
			return "", false
		}
		for i := range st.NumFields() {
			if st.Field(i) == field && reflect.StructTag(st.Tag(i)).Get("shown") == "ours" {
				return "", false
			}
		}
		return types.ExprString(sel), true
	}
	// printing reports whether a call formats its arguments into text a
	// person reads.
	printing := func(call *ast.CallExpr) bool {
		fn := typeutilCallee(pkg.TypesInfo, call)
		if fn == nil || fn.Pkg() == nil {
			return false
		}
		switch fn.Pkg().Path() {
		case "fmt", "errors":
			return fn.Name() != "Is" && fn.Name() != "As" && fn.Name() != "Unwrap" && fn.Name() != "Join"
		case "github.com/hashicorp/terraform-plugin-framework/diag":
			return true
		}
		return false
	}
	var problems []string
	report := func(at token.Pos, format string, args ...any) {
		problems = append(problems, pkg.Fset.Position(at).String()+": "+fmt.Sprintf(format, args...))
	}
	check := func(e ast.Expr, where string) {
		tv := pkg.TypesInfo.Types[e]
		switch {
		case isUntrusted(tv.Type):
			report(e.Pos(), "a redact.Untrusted %s: show it with a shower", where)
		case isError(tv.Type):
			report(e.Pos(), "an error %s: show it with shower.err", where)
		}
		if name, ok := unshownField(e); ok {
			report(e.Pos(), "%s (a string a server may have sent) %s: show it with a shower, or tag the field shown:\"ours\"", name, where)
		}
	}
	for _, file := range pkg.Syntax {
		name := filepath.Base(pkg.Fset.Position(file.Pos()).Filename)
		if name == "show.go" || name == "logging.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if sel.Sel.Name == "Error" && len(n.Args) == 0 && isError(pkg.TypesInfo.TypeOf(sel.X)) {
						report(n.Pos(), "%s.Error(): show the error with shower.err", types.ExprString(sel.X))
					}
					if id, ok := sel.X.(*ast.Ident); ok {
						if pn, ok := pkg.TypesInfo.Uses[id].(*types.PkgName); ok && pn.Imported().Path() == "github.com/hashicorp/terraform-plugin-log/tflog" &&
							sel.Sel.Name != "MaskFieldValuesWithFieldKeys" {
							report(n.Pos(), "tflog.%s: log through tflogLogger", sel.Sel.Name)
						}
					}
				}
				if printing(n) {
					for _, a := range n.Args {
						check(a, "is formatted")
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.ADD && isStringType(pkg.TypesInfo.TypeOf(n)) {
					check(n.X, "is joined into text")
					check(n.Y, "is joined into text")
				}
			}
			return true
		})
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func isStringType(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// typeutilCallee is the function or method a call calls, if it is one.
func typeutilCallee(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}
