package dataframe_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/lazygraph/lazygraph/dataframe"
)

const exampleCSV = `site,dose,response,treated
north,1,2.1,true
south,2,3.9,false
north,3,6.2,true
south,4,NA,true
north,5,9.8,false
`

func exampleFrame() *dataframe.Frame {
	f, err := dataframe.ReadCSVFrom(strings.NewReader(exampleCSV))
	if err != nil {
		log.Fatal(err)
	}
	return f
}

func ExampleReadCSVFrom() {
	f, err := dataframe.ReadCSVFrom(strings.NewReader(exampleCSV))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Types())
	fmt.Println(f)
	// Output:
	// [string int64 float64 bool]
	//     site  dose  response  treated
	// 0  north     1       2.1     true
	// 1  south     2       3.9    false
	// 2  north     3       6.2     true
	// 3  south     4       NaN     true
	// 4  north     5       9.8    false
}

func ExampleReadCSV() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "doses.csv.gz") // compressed by extension
	if err := dataframe.WriteCSVFile(path, exampleFrame()); err != nil {
		log.Fatal(err)
	}

	f, err := dataframe.ReadCSV(path,
		dataframe.WithColumnType("dose", dataframe.Float64),
		dataframe.WithMissing("NA", ""))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.NumRows(), f.Types())
	// Output:
	// 5 [string float64 float64 bool]
}

func ExampleWithSkipMalformed() {
	in := "a,b\n1,2\n3\n4,x\n5,6\n"
	_, err := dataframe.ReadCSVFrom(strings.NewReader(in), dataframe.WithColumnType("b", dataframe.Int64))
	fmt.Println(err)

	var report dataframe.CSVReport
	f, err := dataframe.ReadCSVFrom(strings.NewReader(in),
		dataframe.WithColumnType("b", dataframe.Int64), dataframe.WithSkipMalformed(&report))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.NumRows(), "rows,", report.Skipped, "skipped")
	for _, e := range report.Errors {
		fmt.Println(e)
	}
	// Output:
	// dataframe: line 3, column 2 ("b"): record has 1 fields, header has 2
	// 2 rows, 2 skipped
	// dataframe: line 3, column 2 ("b"): record has 1 fields, header has 2
	// dataframe: line 4, column 2 ("b"): cannot parse "x" as int64: invalid syntax
}

func ExampleWriteCSV() {
	f := exampleFrame().Head(2)
	if err := dataframe.WriteCSV(os.Stdout, f); err != nil {
		log.Fatal(err)
	}
	// Output:
	// site,dose,response,treated
	// north,1,2.1,true
	// south,2,3.9,false
}

func ExampleNew() {
	f, err := dataframe.New(
		dataframe.NewStringColumn("name", []string{"ada", "bob"}),
		dataframe.NewFloat64Column("score", []float64{9.5, math.NaN()}),
	)
	if err != nil {
		log.Fatal(err)
	}
	score, _ := f.Column("score")
	fmt.Println(f.NumRows(), "rows;", score.NullCount(), "missing score")
	// Output:
	// 2 rows; 1 missing score
}

func ExampleFrame_GroupBy() {
	g, err := exampleFrame().GroupBy("site")
	if err != nil {
		log.Fatal(err)
	}
	out, err := g.Agg(
		dataframe.CountOf("response"),
		dataframe.MeanOf("response"),
		dataframe.StdOf("response"),
		dataframe.QuantileOf("dose", 0.5).As("median_dose"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
	// Output:
	//     site  response_count  response_mean  response_std  median_dose
	// 0  north               3       6.033333      3.852705          3.0
	// 1  south               1       3.900000           NaN          3.0
}

func ExampleGroups_All() {
	g, err := exampleFrame().GroupBy("site", "treated")
	if err != nil {
		log.Fatal(err)
	}
	for key, group := range g.All() {
		doses, _ := group.Int64s("dose")
		fmt.Println(key, doses)
	}
	// Output:
	// (north, false) [5]
	// (north, true) [1 3]
	// (south, false) [2]
	// (south, true) [4]
}

func ExampleKFold() {
	folds, err := dataframe.KFold(10, 3)
	if err != nil {
		log.Fatal(err)
	}
	for _, fold := range folds {
		fmt.Println("train", fold.Train, "test", fold.Test)
	}
	shuffled, _ := dataframe.KFold(10, 3, dataframe.Shuffled(7))
	again, _ := dataframe.KFold(10, 3, dataframe.Shuffled(7))
	fmt.Println(fmt.Sprint(shuffled) == fmt.Sprint(again))
	// Output:
	// train [4 5 6 7 8 9] test [0 1 2 3]
	// train [0 1 2 3 7 8 9] test [4 5 6]
	// train [0 1 2 3 4 5 6] test [7 8 9]
	// true
}

func ExampleFrame_Describe() {
	fmt.Println(exampleFrame().Describe())
	// Output:
	//    statistic      dose  response
	// 0      count  5.000000  4.000000
	// 1       mean  3.000000  5.500000
	// 2        std  1.581139  3.321646
	// 3        min  1.000000  2.100000
	// 4        25%  2.000000  3.450000
	// 5        50%  3.000000  5.050000
	// 6        75%  4.000000  7.100000
	// 7        max  5.000000  9.800000
}

func ExampleFrame_Sort() {
	f, err := exampleFrame().Sort(dataframe.Asc("site"), dataframe.Desc("response"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f)
	// Output:
	//     site  dose  response  treated
	// 4  north     5       9.8    false
	// 2  north     3       6.2     true
	// 0  north     1       2.1     true
	// 1  south     2       3.9    false
	// 3  south     4       NaN     true
}

func ExampleFrame_Filter() {
	f := exampleFrame()
	treated, _ := f.Bools("treated")
	view, err := f.Filter(treated)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(view.IsView(), view.NumRows())
	// Output:
	// true 3
}

func ExampleFrame_FilterRows() {
	view, err := exampleFrame().FilterRows(func(r dataframe.Row) bool {
		site, _ := r.String("site")
		dose, _ := r.Int64("dose")
		return site == "north" && dose > 1
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(view)
	// Output:
	//     site  dose  response  treated
	// 2  north     3       6.2     true
	// 4  north     5       9.8    false
}

func ExampleFrame_Take() {
	f := exampleFrame()
	view, err := f.Take([]int{4, 0})
	if err != nil {
		log.Fatal(err)
	}
	columns, rows := view.Backing() // shared columns, row index
	fmt.Println(len(columns), rows, view.Materialize().IsView())
	_, err = f.Take([]int{5})
	fmt.Println(errors.Is(err, dataframe.ErrRowIndex))
	// Output:
	// 4 [4 0] false
	// true
}

func ExampleFrame_Select() {
	_, err := exampleFrame().Select("site", "weight")
	var unknown *dataframe.UnknownColumnError
	fmt.Println(errors.As(err, &unknown), unknown.Column)
	fmt.Println(err)
	// Output:
	// true weight
	// dataframe: unknown column "weight" (columns: "site", "dose", "response", "treated")
}

func ExampleFrame_Float64s() {
	f := exampleFrame()
	dose, err := f.Float64s("dose") // int64 converted for gonum
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dose)
	// Output:
	// [1 2 3 4 5]
}
