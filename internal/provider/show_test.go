package provider

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

const modulePath = "github.com/clientcreds/terraform-provider-workiva"

// The rule of show.go, checked on the package's source with its types: in
// every non-test file but show.go and logging.go (the log adapter, which
// shows its fields through a display),
//   - no error's text is taken (err.Error(), or the method value err.Error)
//     or formatted;
//   - no redact.Untrusted is formatted (it would print the placeholder: a
//     mistake), and its raw text (Untrusted.Data) is taken only as the
//     argument of a terraform-plugin-framework value constructor: data
//     Terraform stores, not a sentence;
//   - no value of a struct type of tokenclient or workload is formatted
//     whole (%+v of an Error would print what its fields hold);
//   - no string or []string field of a tokenclient or workload type is
//     formatted, directly or through a variable assigned from it, unless
//     its declaration tags it `shown:"ours"`: the field then holds text the
//     provider or the user wrote (a URL as redact.ShowURL gives it, a
//     variable's name), never what a server sent;
//   - nothing logs through tflog or the log package directly.
//
// Formatting is passing to fmt, errors, log, strings (Join, a Builder's
// writes), io.WriteString, a diag constructor or a Diagnostics method
// (composite literals among the arguments included), or joining with + or
// +=. So a new code path that prints what a server or the transport said
// another way than through a display fails here.
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
	problems := checkShowRule(pkgs[0])
	for _, p := range problems {
		t.Error(p)
	}
}

const (
	tokenclientPath = modulePath + "/internal/tokenclient"
	workloadPath    = modulePath + "/internal/workload"
	redactPath      = modulePath + "/internal/redact"
	frameworkTypes  = "github.com/hashicorp/terraform-plugin-framework/types"
)

// checkShowRule returns where pkg breaks the rule of show.go.
func checkShowRule(pkg *packages.Package) []string {
	info := pkg.TypesInfo
	errorType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	isError := func(t types.Type) bool { return t != nil && types.Implements(t, errorType) }
	named := func(t types.Type) *types.Named {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, _ := t.(*types.Named)
		return n
	}
	inPkg := func(n *types.Named, paths ...string) bool {
		return n != nil && n.Obj().Pkg() != nil && slices.Contains(paths, n.Obj().Pkg().Path())
	}
	isUntrusted := func(t types.Type) bool {
		n := named(t)
		return inPkg(n, redactPath) && n.Obj().Name() == "Untrusted"
	}
	isFactStruct := func(t types.Type) bool {
		n := named(t)
		_, isStruct := t.Underlying().(*types.Struct)
		if p, ok := t.(*types.Pointer); ok {
			_, isStruct = p.Elem().Underlying().(*types.Struct)
		}
		return isStruct && inPkg(n, tokenclientPath, workloadPath)
	}
	// unshownField is a string or []string field of a tokenclient or
	// workload type that is not tagged shown:"ours".
	unshownField := func(e ast.Expr) (string, bool) {
		e = ast.Unparen(e)
		if ix, ok := e.(*ast.IndexExpr); ok {
			e = ix.X // an element of a []string field
		}
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		s, ok := info.Selections[sel]
		if !ok || s.Kind() != types.FieldVal {
			return "", false
		}
		field := s.Obj().(*types.Var)
		if p := field.Pkg(); p == nil || (p.Path() != tokenclientPath && p.Path() != workloadPath) {
			return "", false
		}
		str := types.Typ[types.String]
		if !types.Identical(field.Type(), str) && !types.Identical(field.Type(), types.NewSlice(str)) {
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
		fn := callee(info, call)
		if fn == nil || fn.Pkg() == nil {
			return false
		}
		switch fn.Pkg().Path() {
		case "fmt", "log":
			return true
		case "errors":
			return fn.Name() == "New"
		case "strings":
			return fn.Name() == "Join" || fn.Name() == "Repeat" || strings.HasPrefix(fn.Name(), "Write") || fn.Name() == "Concat"
		case "io":
			return fn.Name() == "WriteString"
		case "github.com/hashicorp/terraform-plugin-framework/diag":
			return true
		}
		return false
	}
	var problems []string
	report := func(at token.Pos, format string, args ...any) {
		problems = append(problems, pkg.Fset.Position(at).String()+": "+fmt.Sprintf(format, args...))
	}
	// tainted are variables assigned from an unshown field.
	tainted := map[types.Object]string{}
	var check func(e ast.Expr, where string)
	check = func(e ast.Expr, where string) {
		e = ast.Unparen(e)
		if lit, ok := e.(*ast.CompositeLit); ok {
			for _, el := range lit.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					el = kv.Value
				}
				check(el, where)
			}
			return
		}
		tv := info.Types[e]
		switch {
		case isUntrusted(tv.Type):
			report(e.Pos(), "a redact.Untrusted %s: show it with a display", where)
		case isError(tv.Type):
			report(e.Pos(), "an error %s: show it with display.err", where)
		case isFactStruct(tv.Type):
			report(e.Pos(), "a %s %s whole: show its fields", tv.Type, where)
		}
		if name, ok := unshownField(e); ok {
			report(e.Pos(), "%s (text a server may have sent) %s: show it with a display, or tag the field shown:\"ours\"", name, where)
		}
		if id, ok := e.(*ast.Ident); ok {
			if from, ok := tainted[info.Uses[id]]; ok {
				report(e.Pos(), "%s (assigned from %s, text a server may have sent) %s: show it with a display", id.Name, from, where)
			}
		}
	}
	for _, file := range pkg.Syntax {
		name := filepath.Base(pkg.Fset.Position(file.Pos()).Filename)
		if name == "show.go" || name == "logging.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		// The Data() calls that are the argument of a framework value
		// constructor.
		dataOK := map[*ast.CallExpr]bool{}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if fn := callee(info, n); fn != nil && fn.Pkg() != nil && strings.HasPrefix(fn.Pkg().Path(), frameworkTypes) {
					for _, a := range n.Args {
						if c, ok := ast.Unparen(a).(*ast.CallExpr); ok {
							dataOK[c] = true
						}
					}
				}
			case *ast.AssignStmt:
				for i, rhs := range n.Rhs {
					if from, ok := unshownField(rhs); ok && i < len(n.Lhs) {
						if id, ok := n.Lhs[i].(*ast.Ident); ok {
							obj := info.Defs[id]
							if obj == nil {
								obj = info.Uses[id]
							}
							tainted[obj] = from
						}
					}
				}
			}
			return true
		})
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if n.Sel.Name == "Error" && isError(info.TypeOf(n.X)) {
					report(n.Pos(), "%s.Error: show the error with display.err", types.ExprString(n.X))
				}
				if id, ok := n.X.(*ast.Ident); ok {
					if pn, ok := info.Uses[id].(*types.PkgName); ok {
						switch path := pn.Imported().Path(); {
						case path == "github.com/hashicorp/terraform-plugin-log/tflog" && n.Sel.Name != "MaskFieldValuesWithFieldKeys":
							report(n.Pos(), "tflog.%s: log through tflogLogger", n.Sel.Name)
						case path == "log":
							report(n.Pos(), "log.%s: log through tflogLogger", n.Sel.Name)
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Data" && isUntrusted(info.TypeOf(sel.X)) && !dataOK[n] {
					report(n.Pos(), "%s.Data() outside a framework value constructor: show it with a display", types.ExprString(sel.X))
				}
				if printing(n) {
					for _, a := range n.Args {
						check(a, "is formatted")
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.ADD && isStringType(info.TypeOf(n)) {
					check(n.X, "is joined into text")
					check(n.Y, "is joined into text")
				}
			case *ast.AssignStmt:
				if n.Tok == token.ADD_ASSIGN {
					for _, rhs := range n.Rhs {
						if isStringType(info.TypeOf(rhs)) {
							check(rhs, "is joined into text")
						}
					}
				}
			}
			return true
		})
	}
	return problems
}

func isStringType(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// callee is the function or method a call calls, if it is one.
func callee(info *types.Info, call *ast.CallExpr) *types.Func {
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
