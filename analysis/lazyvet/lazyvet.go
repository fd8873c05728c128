// Package lazyvet is an analyzer (golang.org/x/tools/go/analysis) for programs that use
// lazygraph. It reports mistakes that compile, run correctly on the local schedulers and then
// give wrong results, or fail, on worker processes (the processes and distributed schedulers),
// where only package initialisation runs, never main:
//
//  1. a task reads a package-level variable that is assigned outside package initialisation —
//     in main, in a function main calls, or filled by flag.Parse: on workers it keeps its
//     initial value;
//  2. a task calls a global math/rand or math/rand/v2 function (rand.Float64, rand.IntN,
//     rand.Shuffle, ...): its numbers depend on the process and the order tasks run in, so the
//     results cannot be reproduced; use delayed.Rand(ctx) or package rng;
//  3. a function is wrapped (delayed.Func1, delayed.Wrap, delayed.Call1, ...) inside a function
//     body: only functions wrapped while packages are initialised (package-level variables) are
//     known to worker processes;
//  4. a wrapped function takes or returns a struct type with unexported fields: they do not
//     travel, and arrive on workers as zero values (types that encode themselves, with
//     MarshalBinary or the like, time.Time and gonum matrices are fine).
//
// A task is a function given to one of package delayed's wrappers, and every function or
// method of the same package that it calls, directly or through others. Run it with
// "lazygraph vet ./..." or "go vet -vettool=$(which lazyvet) ./..." (cmd/lazyvet).
package lazyvet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// Analyzer reports the four mistakes of the package documentation.
var Analyzer = &analysis.Analyzer{
	Name:     "lazyvet",
	Doc:      "report lazygraph tasks that would misbehave on worker processes: package state set in main, global math/rand, functions wrapped at run time, values that cannot travel",
	URL:      "https://pkg.go.dev/github.com/lazygraph/lazygraph/analysis/lazyvet",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// delayedPath is the package whose wrappers make tasks.
const delayedPath = "github.com/lazygraph/lazygraph/delayed"

// wrapper reports whether call is a call of one of delayed's function wrappers, and returns the
// wrapped function expression.
func wrapper(info *types.Info, call *ast.CallExpr) (ast.Expr, string, bool) {
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok { // delayed.Wrap[int](f)
		fun = ix.X
	} else if ix, ok := fun.(*ast.IndexListExpr); ok {
		fun = ix.X
	}
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return nil, "", false
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != delayedPath || len(call.Args) == 0 {
		return nil, "", false
	}
	name := fn.Name()
	switch {
	case name == "Wrap" || name == "Call":
	case strings.HasPrefix(name, "Func") || strings.HasPrefix(name, "Call"):
		rest := strings.TrimPrefix(strings.TrimPrefix(name, "Func"), "Call")
		if rest == "" || rest[0] < '0' || rest[0] > '9' {
			return nil, "", false
		}
	default:
		return nil, "", false
	}
	return call.Args[0], "delayed." + name, true
}

// taskSet is the functions that run as tasks: wrapped function literals and declarations, and
// the same package's functions they call.
type taskSet struct {
	lits  map[*ast.FuncLit]string // function literal -> the wrapper that wrapped it
	decls map[*types.Func]string  // declared function -> the wrapper (or the task calling it)
}

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
				}
			}
		}
	}

	tasks := taskSet{lits: map[*ast.FuncLit]string{}, decls: map[*types.Func]string{}}
	ins.WithStack([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push {
			return true
		}
		call := n.(*ast.CallExpr)
		f, name, ok := wrapper(pass.TypesInfo, call)
		if !ok {
			return true
		}
		if fd := enclosingFunc(stack); fd != nil && !(fd.Recv == nil && fd.Name.Name == "init") {
			pass.Reportf(call.Pos(), "%s inside %s: a function wrapped at run time is unknown to worker processes (processes and distributed schedulers); wrap it in a package-level variable", name, fd.Name.Name)
		}
		switch f := ast.Unparen(f).(type) {
		case *ast.FuncLit:
			tasks.lits[f] = name
		default:
			if fn := funcOf(pass.TypesInfo, f); fn != nil {
				if _, ours := decls[fn]; ours {
					tasks.decls[fn] = name
				}
			}
		}
		if sig, ok := pass.TypesInfo.TypeOf(f).(*types.Signature); ok {
			checkSignature(pass, f, sig)
		}
		return true
	})

	// Close over same-package calls.
	var work []ast.Node
	for lit := range tasks.lits {
		work = append(work, lit.Body)
	}
	for fn := range tasks.decls {
		work = append(work, decls[fn].Body)
	}
	for len(work) > 0 {
		body := work[len(work)-1]
		work = work[:len(work)-1]
		ast.Inspect(body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn := funcOf(pass.TypesInfo, call.Fun)
			if fn == nil {
				return true
			}
			if fd, ours := decls[fn]; ours {
				if _, seen := tasks.decls[fn]; !seen {
					tasks.decls[fn] = "a task"
					work = append(work, fd.Body)
				}
			}
			return true
		})
	}

	late := lateVariables(pass)
	check := func(body ast.Node, where string) {
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				v, ok := pass.TypesInfo.Uses[n].(*types.Var)
				if !ok {
					return true
				}
				if at, isLate := late[v]; isLate {
					pass.Reportf(n.Pos(), "%s reads the package-level variable %s, which is set %s, outside package initialisation: worker processes never run it and see %s's initial value; pass the value as an argument", where, v.Name(), at, v.Name())
				}
			case *ast.CallExpr:
				if fn := funcOf(pass.TypesInfo, n.Fun); fn != nil && globalRand(fn) {
					pass.Reportf(n.Pos(), "%s calls %s.%s, the global generator: its numbers depend on the process and the order tasks run in; use delayed.Rand(ctx) or a stream from package rng", where, fn.Pkg().Path(), fn.Name())
				}
			}
			return true
		})
	}
	for lit, name := range tasks.lits {
		check(lit.Body, "a function wrapped by "+name)
	}
	for fn, name := range tasks.decls {
		where := fmt.Sprintf("%s (wrapped by %s)", fn.Name(), name)
		if name == "a task" {
			where = fmt.Sprintf("%s (called by a task)", fn.Name())
		}
		check(decls[fn].Body, where)
	}
	return nil, nil
}

// enclosingFunc returns the innermost function declaration on the stack, or nil at package level.
func enclosingFunc(stack []ast.Node) *ast.FuncDecl {
	for i := len(stack) - 1; i >= 0; i-- {
		if fd, ok := stack[i].(*ast.FuncDecl); ok {
			return fd
		}
	}
	return nil
}

// funcOf returns the function or method a call's function expression names statically.
func funcOf(info *types.Info, e ast.Expr) *types.Func {
	e = ast.Unparen(e)
	if ix, ok := e.(*ast.IndexExpr); ok {
		e = ix.X
	} else if ix, ok := e.(*ast.IndexListExpr); ok {
		e = ix.X
	}
	var id *ast.Ident
	switch e := e.(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	if fn != nil {
		fn = fn.Origin()
	}
	return fn
}

// globalRand reports whether fn is a package-level function of math/rand or math/rand/v2 that
// draws from the global generator (constructors of generators are fine).
func globalRand(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	if p := fn.Pkg().Path(); p != "math/rand" && p != "math/rand/v2" {
		return false
	}
	if sig, ok := fn.Type().(*types.Signature); !ok || sig.Recv() != nil {
		return false
	}
	return !strings.HasPrefix(fn.Name(), "New")
}

// lateVariables returns the package-level variables assigned outside package initialisation,
// with where: "in main (file:line)", or "by flag.Parse" for flag variables.
func lateVariables(pass *analysis.Pass) map[*types.Var]string {
	late := map[*types.Var]string{}
	pkgVar := func(e ast.Expr) *types.Var {
		for {
			switch x := ast.Unparen(e).(type) {
			case *ast.SelectorExpr:
				if _, isPkg := pass.TypesInfo.Uses[x.Sel].(*types.Var); isPkg {
					if v := pass.TypesInfo.Uses[x.Sel].(*types.Var); !v.IsField() && v.Parent() == v.Pkg().Scope() {
						e = x.Sel
						continue
					}
				}
				e = x.X
			case *ast.IndexExpr:
				e = x.X
			case *ast.StarExpr:
				e = x.X
			case *ast.Ident:
				v, ok := pass.TypesInfo.Uses[x].(*types.Var)
				if !ok || v.IsField() || v.Pkg() != pass.Pkg || v.Parent() != pass.Pkg.Scope() {
					return nil
				}
				return v
			default:
				return nil
			}
		}
	}
	position := func(p token.Pos) string {
		pos := pass.Fset.Position(p)
		file := pos.Filename
		if i := strings.LastIndexAny(file, `/\`); i >= 0 {
			file = file[i+1:]
		}
		return fmt.Sprintf("%s:%d", file, pos.Line)
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				// var n = flag.Int(...): filled by flag.Parse, which runs in main.
				for _, spec := range d.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, value := range vs.Values {
						call, ok := ast.Unparen(value).(*ast.CallExpr)
						if !ok || i >= len(vs.Names) {
							continue
						}
						if fn := funcOf(pass.TypesInfo, call.Fun); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "flag" {
							if v, ok := pass.TypesInfo.Defs[vs.Names[i]].(*types.Var); ok {
								late[v] = "by the flag package when main parses the command line"
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Body == nil || (d.Recv == nil && d.Name.Name == "init") {
					continue
				}
				where := "in " + d.Name.Name
				ast.Inspect(d.Body, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.AssignStmt:
						if n.Tok == token.DEFINE {
							return true
						}
						for _, lhs := range n.Lhs {
							if v := pkgVar(lhs); v != nil {
								if _, seen := late[v]; !seen {
									late[v] = fmt.Sprintf("%s (%s)", where, position(n.Pos()))
								}
							}
						}
					case *ast.IncDecStmt:
						if v := pkgVar(n.X); v != nil {
							if _, seen := late[v]; !seen {
								late[v] = fmt.Sprintf("%s (%s)", where, position(n.Pos()))
							}
						}
					case *ast.UnaryExpr:
						// &v handed to something that fills it (flag.IntVar(&v, ...), json.Unmarshal).
						if n.Op == token.AND {
							if v := pkgVar(n.X); v != nil {
								if _, seen := late[v]; !seen {
									late[v] = fmt.Sprintf("%s (%s, through its address)", where, position(n.Pos()))
								}
							}
						}
					}
					return true
				})
			}
		}
	}
	return late
}
