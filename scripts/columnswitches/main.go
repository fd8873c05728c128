// Command columnswitches counts the switch statements in the dataframe
// packages that branch on a column's element type: a case naming a column
// Type (Float64, Int64, String, Bool, Time), a vector type (float64Vec, …),
// a Go slice type holding column data ([]float64, …) or an Arrow array or
// data type. It is the measure of issue 16's "adding a column type
// touches one place": each such switch is a place a new type must be
// added to. (The CSV reader's cell kinds, cellInt and the rest, were
// counted here until CSV reading moved into the registry.)
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
	"float64Vec": true, "int64Vec": true, "stringVec": true, "boolVec": true, "timeVec": true,
}

// Kinds of per-type switch.
const (
	notPerType = iota
	columnKind // on a column Type, CSV cell kind, storage type or Go slice type
	arrowKind  // on an Arrow data or array type (inside the Parquet mapping)
)

func perType(e ast.Expr) int {
	switch x := e.(type) {
	case *ast.Ident:
		if typeNames[x.Name] {
			return columnKind
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && (id.Name == "array" || id.Name == "arrow") {
			return arrowKind
		}
		if typeNames[x.Sel.Name] && fmt.Sprint(x.X) == "dataframe" {
			return columnKind
		}
	case *ast.StarExpr:
		return perType(x.X)
	case *ast.ArrayType:
		if id, ok := x.Elt.(*ast.Ident); ok {
			switch id.Name {
			case "float64", "int64", "string", "bool":
				return columnKind
			}
		}
	}
	return notPerType
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
	total, arrow := 0, 0
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
						if kind := perType(e); kind != notPerType {
							total++
							perFile[name]++
							what := "column type"
							if kind == arrowKind {
								arrow++
								what = "Arrow type"
							}
							if *verbose {
								fmt.Println(fset.Position(n.Pos()), what)
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
	fmt.Printf("%d per-type switches in %d files: %d on column types, %d on Arrow types\n",
		total, len(perFile), total-arrow, arrow)
}
