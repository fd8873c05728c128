// Command columnswitches counts the switch statements in the dataframe
// packages that branch on a column's element type: a case naming a column
// Type (Float64, Int64, String, Bool, Time), a CSV cell kind (cellInt, …),
// a Go slice type holding column data ([]float64, …) or an Arrow array or
// data type. It is the measure of issue 16's "adding a column type
// touches one place": each such switch is a place a new type must be
// added to.
//
//	go run ./scripts/columnswitches [-v] [dir ...]   (default: dataframe dataframe/parquet)
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

var typeNames = map[string]bool{
	"Float64": true, "Int64": true, "String": true, "Bool": true, "Time": true,
	"cellInt": true, "cellFloat": true, "cellBool": true, "cellTime": true, "cellString": true,
	"float64Vec": true, "int64Vec": true, "stringVec": true, "boolVec": true, "timeVec": true,
}

func perType(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return typeNames[x.Name]
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && (id.Name == "array" || id.Name == "arrow") {
			return true
		}
		return typeNames[x.Sel.Name] && fmt.Sprint(x.X) == "dataframe"
	case *ast.StarExpr:
		return perType(x.X)
	case *ast.ArrayType:
		if id, ok := x.Elt.(*ast.Ident); ok {
			switch id.Name {
			case "float64", "int64", "string", "bool":
				return true
			}
		}
	}
	return false
}

func main() {
	verbose := flag.Bool("v", false, "list every switch")
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		dirs = []string{"dataframe", "dataframe/parquet"}
	}
	fset := token.NewFileSet()
	perFile := map[string]int{}
	total := 0
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				var body *ast.BlockStmt
				switch s := n.(type) {
				case *ast.SwitchStmt:
					body = s.Body
				case *ast.TypeSwitchStmt:
					body = s.Body
				default:
					return true
				}
				for _, st := range body.List {
					cc := st.(*ast.CaseClause)
					for _, e := range cc.List {
						if perType(e) {
							total++
							perFile[name]++
							if *verbose {
								fmt.Println(fset.Position(n.Pos()))
							}
							return true
						}
					}
				}
				return true
			})
		}
	}
	names := make([]string, 0, len(perFile))
	for name := range perFile {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Printf("%4d %s\n", perFile[name], name)
	}
	fmt.Printf("%d per-type switches in %d files\n", total, len(perFile))
}
