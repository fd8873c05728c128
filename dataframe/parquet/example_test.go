package parquet_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/dataframe/parquet"
)

func exampleFrame() *dataframe.Frame {
	f, err := dataframe.ReadCSVFrom(strings.NewReader("site,dose,response\nnorth,1,2.1\nsouth,2,3.9\nnorth,3,6.2\nsouth,4,NA\nnorth,5,9.8\n"))
	if err != nil {
		log.Fatal(err)
	}
	return f
}

func ExampleRead() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "doses.parquet")
	if err := parquet.Write(path, exampleFrame()); err != nil {
		log.Fatal(err)
	}
	f, err := parquet.Read(path, parquet.WithColumns("site", "response"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f)
	// Output:
	//     site  response
	// 0  north       2.1
	// 1  south       3.9
	// 2  north       6.2
	// 3  south       NaN
	// 4  north       9.8
}

func ExampleReadLazy() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	f := exampleFrame()
	for i, bounds := range [][2]int{{0, 2}, {2, 5}} {
		part, _ := f.Slice(bounds[0], bounds[1])
		if err := parquet.Write(filepath.Join(dir, fmt.Sprintf("part-%d.parquet", i)), part); err != nil {
			log.Fatal(err)
		}
	}
	lf, err := parquet.ReadLazy(filepath.Join(dir, "*.parquet"), parquet.WithColumns("site", "response"))
	if err != nil {
		log.Fatal(err)
	}
	out, err := lf.GroupBy("site").Mean().Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lf.NumPartitions(), "partitions")
	fmt.Println(out)
	// Output:
	// 2 partitions
	//     site  response
	// 0  north  6.033333
	// 1  south  3.900000
}
