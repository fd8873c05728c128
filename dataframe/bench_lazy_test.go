package dataframe

import (
	"context"
	"fmt"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

// Task functions of the lazy benchmarks, wrapped at package level like
// any function meant for every scheduler.
var (
	// fitGroupRange fits OLS in groups laid out one after another in rows
	// (group k is rows[bounds[k]-bounds[0]:bounds[k+1]-bounds[0]]) of the
	// shared frame f: the frame travels once, the row indices per task.
	fitGroupRange = delayed.Func3E(func(f *Frame, rows, bounds []int) (int, error) {
		fits := 0
		for k := 0; k+1 < len(bounds); k++ {
			group := f.withRows(rows[bounds[k]-bounds[0] : bounds[k+1]-bounds[0]])
			if _, err := fitOLS(group); err != nil {
				return 0, err
			}
			fits++
		}
		return fits, nil
	})
	// fitPartitionGroups fits OLS in every group of a partition of a
	// shuffled lazy frame, where each group is whole.
	fitPartitionGroups = delayed.Func1E(func(f *Frame) (int, error) {
		g, err := f.GroupBy("g")
		if err != nil {
			return 0, err
		}
		for _, group := range g.All() {
			if _, err := fitOLS(group); err != nil {
				return 0, err
			}
		}
		return g.Len(), nil
	})
	addInts = delayed.Func1(func(xs []int) (s int) {
		for _, x := range xs {
			s += x
		}
		return s
	})
)

// benchWorkers are the worker counts of the threads-scheduler benchmarks.
var benchWorkers = []int{1, 2}

func threadsOptions(workers int) []delayed.Option {
	return []delayed.Option{delayed.WithScheduler("threads"), delayed.WithWorkers(workers)}
}

// BenchmarkLazyReadCSV reads the benchmark CSV as a lazy frame of 64 MiB
// blocks (7 partitions for the 402 MB file) and counts its rows: every
// partition read and parsed on one goroutine, the threads scheduler
// running them on 1 or 2 workers.
func BenchmarkLazyReadCSV(b *testing.B) {
	path := benchCSV(b)
	for _, workers := range benchWorkers {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lf, err := ReadCSVLazy(path)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := lf.NumRows().Compute(context.Background(), threadsOptions(workers)...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLazyGroupByMean is the group-by mean of y over g as a lazy
// frame of the in-memory table (16 partitions): partial sums and counts
// per partition, merged in a tree.
func BenchmarkLazyGroupByMean(b *testing.B) {
	f := benchFrame(b)
	lf := FromFrame(f, 16)
	for _, workers := range benchWorkers {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := lf.GroupBy("g").Mean("y").Compute(context.Background(), threadsOptions(workers)...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGroupOLSDelayed fits y ~ 1 + x1 + x2 per group as a delayed
// graph: the frame is one delayed.Value, grouped once (serially, inside
// the timing), and 32 tasks fit a range of groups each from their row
// indices. The graph is the same for 1 and 2 workers.
func BenchmarkGroupOLSDelayed(b *testing.B) {
	f := benchFrame(b)
	const tasks = 32
	for _, workers := range benchWorkers {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := f.GroupBy("g")
				if err != nil {
					b.Fatal(err)
				}
				g.buildMembers()
				fv := delayed.Value(f)
				parts := make([]delayed.Delayed[int], 0, tasks)
				for t := range tasks {
					lo, hi := t*g.Len()/tasks, (t+1)*g.Len()/tasks
					rows := g.members[g.offsets[lo]:g.offsets[hi]]
					parts = append(parts, fitGroupRange(fv, delayed.Value(rows), delayed.Value(g.offsets[lo:hi+1])))
				}
				fits, err := addInts(delayed.All(parts)).Compute(context.Background(), threadsOptions(workers)...)
				if err != nil || fits != g.Len() {
					b.Fatalf("%d fits, %v", fits, err)
				}
			}
		})
	}
}

// BenchmarkGroupOLSLazy fits y ~ 1 + x1 + x2 per group on a lazy frame:
// the in-memory table as 8 partitions, shuffled by g into 8 partitions
// holding whole groups, and one task per partition fitting its groups.
func BenchmarkGroupOLSLazy(b *testing.B) {
	f := benchFrame(b)
	_, groups := benchSizes()
	for _, workers := range benchWorkers {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lf := FromFrame(f, 8).Shuffle(8, "g")
				fits, err := addInts(delayed.All(MapPartitionsTo(lf, fitPartitionGroups))).Compute(context.Background(), threadsOptions(workers)...)
				if err != nil || fits != groups {
					b.Fatalf("%d fits, %v", fits, err)
				}
			}
		})
	}
}
