package lazyvet

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// checkSignature reports parameters and results of a wrapped function whose types contain a
// struct with unexported fields (mistake 4).
func checkSignature(pass *analysis.Pass, at ast.Expr, sig *types.Signature) {
	report := func(role string, t types.Type) {
		if why := unencodable(t, map[types.Type]bool{}); why != "" {
			pass.Reportf(at.Pos(), "the wrapped function's %s has type %s, %s: it arrives in worker processes as a zero value; export the field or give the type MarshalBinary/UnmarshalBinary", role, types.TypeString(t, types.RelativeTo(pass.Pkg)), why)
		}
	}
	params := sig.Params()
	for i := range params.Len() {
		t := params.At(i).Type()
		if i == 0 && isContext(t) {
			continue
		}
		report(fmt.Sprintf("parameter %d", i+1), t)
	}
	results := sig.Results()
	for i := range results.Len() {
		t := results.At(i).Type()
		if isError(t) {
			continue
		}
		report("result", t)
	}
}

// unencodable returns why values of t would lose data on the wire, "" if they would not. It
// mirrors internal/wire.CheckEncodable, on types instead of reflection.
func unencodable(t types.Type, seen map[types.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	if selfEncoding(t) {
		return ""
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		return unencodable(u.Elem(), seen)
	case *types.Slice:
		return unencodable(u.Elem(), seen)
	case *types.Array:
		return unencodable(u.Elem(), seen)
	case *types.Map:
		if why := unencodable(u.Key(), seen); why != "" {
			return why
		}
		return unencodable(u.Elem(), seen)
	case *types.Struct:
		for i := range u.NumFields() {
			f := u.Field(i)
			if !f.Exported() && f.Name() != "_" {
				return "whose struct " + types.TypeString(t, nil) + " has the unexported field " + f.Name()
			}
			if tagSkips(u.Tag(i)) {
				continue
			}
			if why := unencodable(f.Type(), seen); why != "" {
				return why
			}
		}
	}
	return ""
}

// selfEncoding: types the wire encodes whole although their fields are unexported.
func selfEncoding(t types.Type) bool {
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		switch n.Obj().Pkg().Path() + "." + n.Obj().Name() {
		case "time.Time", "gonum.org/v1/gonum/mat.Dense", "gonum.org/v1/gonum/mat.VecDense",
			"github.com/lazygraph/lazygraph/dataframe.Frame", "github.com/lazygraph/lazygraph/dataframe.Column":
			return true
		}
	}
	for _, m := range []string{"EncodeMsgpack", "MarshalMsgpack", "MarshalBinary", "MarshalText"} {
		if hasMethod(t, m) {
			return true
		}
	}
	return false
}

func hasMethod(t types.Type, name string) bool {
	if _, isPtr := t.(*types.Pointer); !isPtr {
		t = types.NewPointer(t)
	}
	ms := types.NewMethodSet(t)
	for i := range ms.Len() {
		if ms.At(i).Obj().Name() == name {
			return true
		}
	}
	return false
}

func tagSkips(tag string) bool {
	return lookupTag(tag, "msgpack") == "-"
}

func lookupTag(tag, key string) string {
	// A minimal reflect.StructTag.Get, which needs no reflect.
	for tag != "" {
		i := 0
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
		tag = tag[i:]
		i = 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			return ""
		}
		name := tag[:i]
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			return ""
		}
		value := tag[1:i]
		tag = tag[i+1:]
		if name == key {
			return value
		}
	}
	return ""
}

func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}
