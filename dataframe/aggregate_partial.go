package dataframe

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// The aggregations of a lazy frame run in three steps, so that they can
// be combined tree-wise across partitions: partialAggregate reduces one
// partition to a small frame of per-group states, mergePartials merges
// several such frames into one of the same layout, and finishAggregate
// turns the states into the result that Groups.Agg (or Frame.Agg, without
// keys) gives for the whole data.
//
// A partial frame holds the key columns, then the states of aggregation
// i in columns named by stateColumn: count, sum, min and max keep their
// running value ("v", typed as the result); mean keeps a sum ("s") and a
// count ("n"); std keeps a count ("n"), a mean ("m") and a sum of squared
// deviations from it ("q"), merged with Chan et al.'s pairwise update, so
// that no step subtracts large sums of squares.

// reduceSpec describes a reduction to the tasks that run it; it crosses
// to worker processes.
type reduceSpec struct {
	Keys []string
	Aggs []aggSpec
}

// aggSpec is an Aggregation in a form that crosses to worker processes.
type aggSpec struct {
	Kind   aggKind
	Column string
	Name   string
}

// newReduceSpec checks aggregations for combining across partitions.
func newReduceSpec(keys []string, aggs []Aggregation) (reduceSpec, error) {
	spec := reduceSpec{Keys: slices.Clone(keys)}
	if len(aggs) == 0 {
		return spec, fmt.Errorf("no aggregations: %w", ErrArgument)
	}
	seen := make(map[string]bool, len(keys)+len(aggs))
	for _, k := range keys {
		seen[k] = true
	}
	for _, a := range aggs {
		switch a.kind {
		case aggCount, aggSum, aggMean, aggMin, aggMax, aggStd:
		case aggQuantile:
			return spec, fmt.Errorf("%s of column %q cannot be combined from partitions (compute the frame and aggregate it): %w",
				a.Name(), a.column, ErrArgument)
		default:
			return spec, fmt.Errorf("aggregation of column %q has no statistic (build it with MeanOf etc.): %w", a.column, ErrArgument)
		}
		if seen[a.Name()] {
			return spec, fmt.Errorf("result column %q appears twice: %w", a.Name(), ErrDuplicateColumn)
		}
		seen[a.Name()] = true
		spec.Aggs = append(spec.Aggs, aggSpec{Kind: a.kind, Column: a.column, Name: a.Name()})
	}
	return spec, nil
}

// stateColumn names a state column of aggregation i. The leading NUL
// keeps state names apart from key names.
func stateColumn(i int, part string) string { return "\x00" + strconv.Itoa(i) + part }

// groups splits f by the spec's keys, or makes it one group without keys.
func (s reduceSpec) groups(f *Frame) (*Groups, error) {
	if len(s.Keys) == 0 {
		return f.wholeGroup(), nil
	}
	return f.GroupBy(s.Keys...)
}

// partialAggregate reduces one partition to its per-group states.
func partialAggregate(f *Frame, spec reduceSpec) (*Frame, error) {
	g, err := spec.groups(f)
	if err != nil {
		return nil, err
	}
	cols := slices.Clone(g.keys.columns)
	for i, a := range spec.Aggs {
		c, err := f.lookup(a.Column)
		if err != nil {
			return nil, err
		}
		switch a.Kind {
		case aggCount, aggSum, aggMin, aggMax:
			v, err := g.aggregate(Aggregation{kind: a.Kind, column: a.Column, name: stateColumn(i, "v")})
			if err != nil {
				return nil, err
			}
			cols = append(cols, v)
		case aggMean:
			if err := wantTypes(c, aggNames[a.Kind], Float64, Int64, Bool); err != nil {
				return nil, err
			}
			sums, counts := g.sumCount(c)
			cols = append(cols, rawFloat64Column(stateColumn(i, "s"), sums), NewInt64Column(stateColumn(i, "n"), counts))
		case aggStd:
			if err := wantTypes(c, aggNames[a.Kind], Float64, Int64, Bool); err != nil {
				return nil, err
			}
			counts, means, squares := g.moments(c)
			cols = append(cols, NewInt64Column(stateColumn(i, "n"), counts),
				rawFloat64Column(stateColumn(i, "m"), means), rawFloat64Column(stateColumn(i, "q"), squares))
		}
	}
	return New(cols...)
}

// mergePartials merges partial frames of one spec into one.
func mergePartials(parts []*Frame, spec reduceSpec) (*Frame, error) {
	all, err := Concat(parts...)
	if err != nil {
		return nil, err
	}
	if all.IsView() {
		all = all.Materialize()
	}
	g, err := spec.groups(all)
	if err != nil {
		return nil, err
	}
	state := func(i int, part string) *Column {
		c, _ := g.frame.lookup(stateColumn(i, part))
		return c
	}
	cols := slices.Clone(g.keys.columns)
	for i, a := range spec.Aggs {
		switch a.Kind {
		case aggCount, aggSum:
			v := state(i, "v")
			if v == nil {
				return nil, partialLayoutError(i)
			}
			if v.typ == Int64 {
				cols = append(cols, NewInt64Column(v.name, sumInt64s(g, v.int64s())))
			} else {
				cols = append(cols, NewFloat64Column(v.name, sumFloat64s(g, v.floats())))
			}
		case aggMin, aggMax:
			v := state(i, "v")
			if v == nil {
				return nil, partialLayoutError(i)
			}
			cols = append(cols, g.extreme(v, v.name, a.Kind == aggMax))
		case aggMean:
			s, n := state(i, "s"), state(i, "n")
			if s == nil || n == nil || s.typ != Float64 || n.typ != Int64 {
				return nil, partialLayoutError(i)
			}
			cols = append(cols, rawFloat64Column(s.name, sumFloat64s(g, s.floats())), NewInt64Column(n.name, sumInt64s(g, n.int64s())))
		case aggStd:
			n, m, q := state(i, "n"), state(i, "m"), state(i, "q")
			if n == nil || m == nil || q == nil || n.typ != Int64 || m.typ != Float64 || q.typ != Float64 {
				return nil, partialLayoutError(i)
			}
			counts, means, squares := mergeMoments(g, n.int64s(), m.floats(), q.floats())
			cols = append(cols, NewInt64Column(n.name, counts), rawFloat64Column(m.name, means), rawFloat64Column(q.name, squares))
		}
	}
	return New(cols...)
}

// finishAggregate turns merged states into the aggregations' results.
func finishAggregate(partial *Frame, spec reduceSpec) (*Frame, error) {
	cols := make([]*Column, 0, len(spec.Keys)+len(spec.Aggs))
	for _, k := range spec.Keys {
		c, err := partial.lookup(k)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	state := func(i int, part string) *Column {
		c, _ := partial.lookup(stateColumn(i, part))
		return c
	}
	for i, a := range spec.Aggs {
		switch a.Kind {
		case aggCount, aggSum, aggMin, aggMax:
			v := state(i, "v")
			if v == nil {
				return nil, partialLayoutError(i)
			}
			cols = append(cols, v.Renamed(a.Name))
		case aggMean:
			s, n := state(i, "s"), state(i, "n")
			if s == nil || n == nil || s.typ != Float64 || n.typ != Int64 {
				return nil, partialLayoutError(i)
			}
			means := make([]float64, s.n)
			sums, counts := s.floats(), n.int64s()
			for k := range means {
				means[k] = sums[k] / float64(counts[k]) // 0/0 is NaN: missing
			}
			cols = append(cols, NewFloat64Column(a.Name, means))
		case aggStd:
			n, q := state(i, "n"), state(i, "q")
			if n == nil || q == nil || n.typ != Int64 || q.typ != Float64 {
				return nil, partialLayoutError(i)
			}
			std := make([]float64, n.n)
			counts, squares := n.int64s(), q.floats()
			for k := range std {
				if counts[k] < 2 {
					std[k] = math.NaN()
					continue
				}
				std[k] = math.Sqrt(squares[k] / float64(counts[k]-1))
			}
			cols = append(cols, NewFloat64Column(a.Name, std))
		}
	}
	return New(cols...)
}

func partialLayoutError(i int) error {
	return fmt.Errorf("partial aggregate lacks the states of aggregation %d (partitions with different columns?): %w", i, ErrSchema)
}

// rawFloat64Column makes a Float64 state column whose NaN values are
// states, not missing values to be skipped.
func rawFloat64Column(name string, values []float64) *Column {
	return &Column{name: name, typ: Float64, vec: float64Vec(values), n: len(values)}
}

func sumInt64s(g *Groups, values []int64) []int64 {
	out := make([]int64, g.ngroups)
	for i, code := range g.codes {
		if code >= 0 {
			out[code] += values[i]
		}
	}
	return out
}

// sumFloat64s adds every state, NaN included (a NaN sum stays NaN).
func sumFloat64s(g *Groups, values []float64) []float64 {
	out := make([]float64, g.ngroups)
	for i, code := range g.codes {
		if code >= 0 {
			out[code] += values[i]
		}
	}
	return out
}

// moments returns per-group counts, means and sums of squared deviations
// from the mean of the present values, by two passes.
func (g *Groups) moments(c *Column) (counts []int64, means, squares []float64) {
	sums, counts := g.sumCount(c)
	means = sums
	for k := range means {
		means[k] /= float64(counts[k])
	}
	squares = make([]float64, g.ngroups)
	rows := g.frame.rows
	value := c.value()
	for i, code := range g.codes {
		if code < 0 {
			continue
		}
		if v, ok := value(rowAt(rows, i)); ok {
			d := v - means[code]
			squares[code] += d * d
		}
	}
	return counts, means, squares
}

// mergeMoments merges (count, mean, squares) states per group with the
// pairwise update of Chan, Golub and LeVeque.
func mergeMoments(g *Groups, n []int64, m, q []float64) (counts []int64, means, squares []float64) {
	counts = make([]int64, g.ngroups)
	means = make([]float64, g.ngroups)
	squares = make([]float64, g.ngroups)
	for i, code := range g.codes {
		if code < 0 || n[i] == 0 {
			continue
		}
		if counts[code] == 0 {
			counts[code], means[code], squares[code] = n[i], m[i], q[i]
			continue
		}
		na, nb := float64(counts[code]), float64(n[i])
		total := na + nb
		d := m[i] - means[code]
		means[code] += d * nb / total
		squares[code] += q[i] + d*d*na*nb/total
		counts[code] += n[i]
	}
	for k, c := range counts {
		if c == 0 {
			means[k] = math.NaN()
		}
	}
	return counts, means, squares
}
