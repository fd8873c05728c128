package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/rng"
)

// carrier describes one airline of the synthetic data.
type carrier struct {
	Code      string
	Share     float64 // relative number of flights
	LateShare float64 // share of flights with a long departure delay
	LateMean  float64 // mean of a long delay, in minutes
}

// carriers are the airlines of the generated data: big and small, punctual and not.
var carriers = []carrier{
	{"AA", 14, 0.20, 55}, {"AS", 4, 0.12, 40}, {"B6", 4, 0.26, 65}, {"DL", 16, 0.14, 45},
	{"F9", 2, 0.28, 60}, {"G4", 2, 0.22, 50}, {"HA", 1, 0.08, 30}, {"NK", 3, 0.25, 55},
	{"UA", 12, 0.19, 60}, {"WN", 18, 0.21, 40},
}

// airports are the origins and destinations of the generated data.
var airports = []string{"ATL", "BOS", "DEN", "DFW", "JFK", "LAS", "LAX", "MCO", "ORD", "SEA", "SFO"}

// Probabilities that a flight is cancelled (no departure or arrival delay) or diverted (a
// departure delay but no arrival delay).
const (
	cancelled = 0.015
	diverted  = 0.003
)

// generateFiles writes one gzip-compressed CSV file of synthetic flights per month into dir,
// flights-2024-01.csv.gz onwards, each of rows flights, and returns their paths. Month m draws
// from its own random stream, determined by (seed, m), so the files are the same every time and
// are written in parallel.
func generateFiles(dir string, months, rows int, seed uint64) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := make([]string, months)
	errs := make([]error, months)
	var wg sync.WaitGroup
	for m := range months {
		year, month := 2024+m/12, m%12+1
		paths[m] = filepath.Join(dir, fmt.Sprintf("flights-%04d-%02d.csv.gz", year, month))
		wg.Go(func() {
			frame, err := flights(year, month, rows, rng.New(seed, uint64(m)))
			if err == nil {
				err = dataframe.WriteCSVFile(paths[m], frame) // gzip-compressed: the name ends in .gz
			}
			errs[m] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("generating the flights: %w", err)
		}
	}
	return paths, nil
}

// flights draws one month of flights: year, month, day, carrier, origin, dest, dep_delay and
// arr_delay, the delays in whole minutes (negative: early) and missing for cancelled flights (both)
// and diverted ones (the arrival delay).
func flights(year, month, n int, rng *rand.Rand) (*dataframe.Frame, error) {
	var (
		years, months, days = make([]int64, n), make([]int64, n), make([]int64, n)
		codes, origins      = make([]string, n), make([]string, n)
		dests               = make([]string, n)
		dep, arr            = make([]int64, n), make([]int64, n)
		depMissing          = make([]bool, n)
		arrMissing          = make([]bool, n)
		weights             = cumulativeShares()
	)
	for i := range n {
		c := carriers[pick(rng, weights)]
		years[i], months[i], days[i] = int64(year), int64(month), int64(1+rng.IntN(28))
		codes[i] = c.Code
		origins[i] = airports[rng.IntN(len(airports))]
		dests[i] = airports[rng.IntN(len(airports))]

		// Most flights leave a few minutes early or late; some are late by a long, skewed delay.
		delay := -4 + 6*rng.NormFloat64()
		if rng.Float64() < c.LateShare {
			delay += c.LateMean * rng.ExpFloat64()
		}
		dep[i] = int64(math.Round(delay))
		arr[i] = dep[i] + int64(math.Round(-3+8*rng.NormFloat64())) // time made up or lost en route
		switch u := rng.Float64(); {
		case u < cancelled:
			depMissing[i], arrMissing[i] = true, true
		case u < cancelled+diverted:
			arrMissing[i] = true
		}
	}
	depColumn, err := dataframe.NewInt64Column("dep_delay", dep).WithMissing(depMissing)
	if err != nil {
		return nil, err
	}
	arrColumn, err := dataframe.NewInt64Column("arr_delay", arr).WithMissing(arrMissing)
	if err != nil {
		return nil, err
	}
	return dataframe.New(
		dataframe.NewInt64Column("year", years),
		dataframe.NewInt64Column("month", months),
		dataframe.NewInt64Column("day", days),
		dataframe.NewStringColumn("carrier", codes),
		dataframe.NewStringColumn("origin", origins),
		dataframe.NewStringColumn("dest", dests),
		depColumn,
		arrColumn,
	)
}

// cumulativeShares returns the carriers' running shares of flights, ending at 1.
func cumulativeShares() []float64 {
	total := 0.0
	for _, c := range carriers {
		total += c.Share
	}
	cumulative := make([]float64, len(carriers))
	sum := 0.0
	for i, c := range carriers {
		sum += c.Share
		cumulative[i] = sum / total
	}
	return cumulative
}

// pick returns the index of a carrier drawn with the given cumulative shares.
func pick(rng *rand.Rand, cumulative []float64) int {
	u := rng.Float64()
	for i, c := range cumulative {
		if u < c {
			return i
		}
	}
	return len(cumulative) - 1
}
