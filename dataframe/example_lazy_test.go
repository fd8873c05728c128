package dataframe_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/delayed"
)

// Functions for lazy frames' tasks are wrapped in package-level
// variables, so that worker processes know them too.
var (
	// withDoseSquared adds a column to a partition.
	withDoseSquared = delayed.Func1E(func(f *dataframe.Frame) (*dataframe.Frame, error) {
		dose, err := f.Float64s("dose")
		if err != nil {
			return nil, err
		}
		sq := make([]float64, len(dose))
		for i, d := range dose {
			sq[i] = d * d
		}
		cols := append(f.Columns(), dataframe.NewFloat64Column("dose2", sq))
		return dataframe.New(cols...)
	})
	// rowsOf counts a partition's rows.
	rowsOf = delayed.Func1(func(f *dataframe.Frame) int { return f.NumRows() })
	// meanResponseOf reads one group out of a frame shared by many tasks.
	meanResponseOf = delayed.Func2E(func(f *dataframe.Frame, site string) (float64, error) {
		g, err := f.Where(dataframe.Col("site").Eq(site))
		if err != nil {
			return 0, err
		}
		means, err := g.Agg(dataframe.MeanOf("response"))
		if err != nil {
			return 0, err
		}
		m, err := means.Float64s("response_mean")
		if err != nil {
			return 0, err
		}
		return m[0], nil
	})
	// toPartition turns a CSV text into a partition.
	toPartition = delayed.Func1E(func(text string) (*dataframe.Frame, error) {
		return dataframe.ReadCSVFrom(strings.NewReader(text))
	})
)

// exampleDir writes the example table as two CSV files, the second
// compressed, and returns the directory.
func exampleDir() string {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	f := exampleFrame()
	first, _ := f.Slice(0, 3)
	second, _ := f.Slice(3, 5)
	if err := dataframe.WriteCSVFile(filepath.Join(dir, "doses-1.csv"), first); err != nil {
		log.Fatal(err)
	}
	if err := dataframe.WriteCSVFile(filepath.Join(dir, "doses-2.csv.gz"), second); err != nil {
		log.Fatal(err)
	}
	return dir
}

func ExampleReadCSVLazy() {
	dir := exampleDir()
	defer os.RemoveAll(dir)

	lf, err := dataframe.ReadCSVLazy(filepath.Join(dir, "doses-*.csv*"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lf.NumPartitions(), "partitions:", lf.Names(), lf.Types())

	// Three results from one pass: each file is read once.
	ctx := context.Background()
	mean, rows, bySite, err := delayed.Compute3(ctx,
		lf.Mean("response"), lf.NumRows(), lf.GroupBy("site").Agg(dataframe.MaxOf("dose")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("mean response %.3f over %d rows\n", mean, rows)
	fmt.Println(bySite)
	// Output:
	// 2 partitions: [site dose response treated] [string int64 float64 bool]
	// mean response 5.500 over 5 rows
	//     site  dose_max
	// 0  north         5
	// 1  south         4
}

func ExampleWithBlockSize() {
	dir := exampleDir()
	defer os.RemoveAll(dir)

	// 20-byte blocks cut the first file at line breaks: every partition
	// parses the header and then its own lines.
	lf, err := dataframe.ReadCSVLazy(filepath.Join(dir, "doses-1.csv"), dataframe.WithBlockSize(20))
	if err != nil {
		log.Fatal(err)
	}
	rows, err := delayed.All(dataframe.MapPartitionsTo(lf, rowsOf)).Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lf.NumPartitions(), "partitions of", rows, "rows")
	// Output:
	// 4 partitions of [0 1 1 1] rows
}

func ExampleFromFrame() {
	lf := dataframe.FromFrame(exampleFrame(), 2)
	sum, std, err := delayed.Compute2(context.Background(), lf.Sum("dose"), lf.Std("response"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d partitions, dose sum %v, response std %.4f\n", lf.NumPartitions(), sum, std)
	// Output:
	// 2 partitions, dose sum 15, response std 3.3216
}

func ExampleFromPartitions() {
	parts := []delayed.Delayed[*dataframe.Frame]{
		toPartition(delayed.Value("x,g\n1,a\n2,b\n")),
		toPartition(delayed.Value("x,g\n3,a\n")),
	}
	out, err := dataframe.FromPartitions(parts...).GroupBy("g").Sum("x").Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
	// Output:
	//    g  x
	// 0  a  4
	// 1  b  2
}

func ExampleLazyFrame_Filter() {
	lf := dataframe.FromFrame(exampleFrame(), 2)
	treatedNorth := lf.Filter(dataframe.And(
		dataframe.Col("site").Eq("north"),
		dataframe.Col("treated").Eq(true),
	)).Select("dose", "response")
	out, err := treatedNorth.Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
	// Output:
	//    dose  response
	// 0     1       2.1
	// 1     3       6.2
}

func ExampleLazyFrame_MapPartitions() {
	lf := dataframe.FromFrame(exampleFrame(), 2).MapPartitions(withDoseSquared)
	out, err := lf.Agg(dataframe.SumOf("dose2"), dataframe.MaxOf("dose2")).Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
	// Output:
	//    dose2_sum  dose2_max
	// 0       55.0       25.0
}

func ExampleLazyFrame_Agg() {
	lf := dataframe.FromFrame(exampleFrame(), 3)
	out, err := lf.Agg(dataframe.CountOf("response"), dataframe.MeanOf("response"), dataframe.MinOf("dose")).
		Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
	// Output:
	//    response_count  response_mean  dose_min
	// 0               4            5.5         1
}

func ExampleLazyFrame_GroupBy() {
	lf := dataframe.FromFrame(exampleFrame(), 3)
	out, err := lf.GroupBy("site", "treated").Agg(dataframe.CountOf("dose").As("n"), dataframe.MeanOf("dose")).
		Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
	// Output:
	//     site  treated  n  dose_mean
	// 0  north    false  1        5.0
	// 1  north     true  2        2.0
	// 2  south    false  1        2.0
	// 3  south     true  1        4.0
}

func ExampleLazyFrame_Shuffle() {
	// After the shuffle every site is whole in one partition, so a
	// per-partition function sees complete groups.
	lf := dataframe.FromFrame(exampleFrame(), 5).Shuffle(2, "site")
	rows, err := delayed.All(dataframe.MapPartitionsTo(lf, rowsOf)).Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows[0]+rows[1], "rows in", len(rows), "partitions")
	// Output:
	// 5 rows in 2 partitions
}

func ExampleMapPartitionsTo() {
	lf := dataframe.FromFrame(exampleFrame(), 2)
	rows, err := delayed.All(dataframe.MapPartitionsTo(lf, rowsOf)).Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows)
	// Output:
	// [2 3]
}

// A frame given to many tasks as one delayed.Value is one data node: the
// threads scheduler shares it, and the processes and distributed
// schedulers send it once to each worker that needs it, as raw column
// memory, however many tasks use it. The same code runs on each of them
// (LAZYGRAPH_SCHEDULER=processes, say).
func Example_sharedFrame() {
	frame := delayed.Value(exampleFrame())
	north := meanResponseOf(frame, delayed.Value("north"))
	south := meanResponseOf(frame, delayed.Value("south"))
	n, s, err := delayed.Compute2(context.Background(), north, south)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("north %.3f, south %.3f\n", n, s)
	// Output:
	// north 6.033, south 3.900
}

func ExampleConcat() {
	f := exampleFrame()
	top, bottom := f.Head(1), f.Head(2)
	both, err := dataframe.Concat(top, bottom)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(both)
	// Output:
	//     site  dose  response  treated
	// 0  north     1       2.1     true
	// 1  north     1       2.1     true
	// 2  south     2       3.9    false
}

func ExampleFrame_Slice() {
	part, err := exampleFrame().Slice(1, 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(part)
	// Output:
	//     site  dose  response  treated
	// 0  south     2       3.9    false
	// 1  north     3       6.2     true
}

func ExampleFrame_Agg() {
	out, err := exampleFrame().Agg(dataframe.CountOf("response"), dataframe.MaxOf("dose"), dataframe.StdOf("response"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
	// Output:
	//    response_count  dose_max  response_std
	// 0               4         5      3.321646
}

func ExampleFrame_Where() {
	c := dataframe.Or(dataframe.Col("response").IsMissing(), dataframe.Col("dose").Ge(5))
	out, err := exampleFrame().Where(c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c)
	fmt.Println(out)
	// Output:
	// (response is missing || dose >= 5)
	//     site  dose  response  treated
	// 3  south     4       NaN     true
	// 4  north     5       9.8    false
}
