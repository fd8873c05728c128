package dataframe

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// vectorSamples holds, per registered column type, a few values with
// repeats and a missing row (missing[i]). A new column type adds its
// samples here; TestVectorConformance fails for a registered type without.
var vectorSamples = map[Type]struct {
	data    any
	missing []bool
}{
	Float64: {[]float64{2.5, -1, math.NaN(), 2.5, 0, -0.0, math.Inf(1)}, []bool{false, false, true, false, false, false, false}},
	Int64:   {[]int64{3, -7, 0, 3, math.MaxInt64, math.MinInt64, 0}, []bool{false, false, true, false, false, false, false}},
	String:  {[]string{"b", "a, \"quoted\"", "", "b", "ü", " pad ", "line\nbreak"}, []bool{false, false, true, false, false, false, false}},
	Bool:    {[]bool{true, false, false, true, true, false, false}, []bool{false, false, true, false, false, false, false}},
	Time:    {[]int64{86_400e9, -1, 0, 86_400e9, 1_700_000_000_123_456_789, 5, 0}, []bool{false, false, true, false, false, false, false}},
}

// TestVectorConformance checks every registered column type's vector
// against the properties the rest of the package relies on: reordering
// methods agree with each other, equal values hash and rank alike, and a
// column survives the wire and CSV unchanged.
func TestVectorConformance(t *testing.T) {
	for typ := Type(0); int(typ) < len(columnTypes); typ++ {
		spec := typeOf(typ)
		if spec == nil {
			continue
		}
		t.Run(spec.name, func(t *testing.T) {
			sample, ok := vectorSamples[typ]
			if !ok {
				t.Fatalf("no samples for column type %s: add them to vectorSamples", typ)
			}
			base, err := NewColumn("c", typ, sample.data, nil)
			if err != nil {
				t.Fatal(err)
			}
			c, err := base.WithMissing(sample.missing)
			if err != nil {
				t.Fatal(err)
			}
			n := c.Len()
			if c.vec.len() != n || spec.empty().len() != 0 {
				t.Fatalf("len %d, empty len %d; want %d, 0", c.vec.len(), spec.empty().len(), n)
			}
			if reflect.TypeOf(c.Data()) != reflect.TypeOf(sample.data) {
				t.Errorf("Data is %T, want %T", c.Data(), sample.data)
			}
			f, err := New(c)
			if err != nil {
				t.Fatal(err)
			}

			// Reordering: take, slice, concat and clone agree row by row.
			rows := []int{6, 0, 2, 3, 3, 1}
			taken, _ := f.Take(rows)
			mat := taken.Materialize()
			if d := frameDiff(taken, mat); d != "" {
				t.Errorf("gather differs from the view: %s", d)
			}
			lo, _ := f.Slice(0, 3)
			hi, _ := f.Slice(3, n)
			joined, err := Concat(lo, hi, taken)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := f.Take(append([]int{0, 1, 2, 3, 4, 5, 6}, rows...))
			if d := frameDiff(joined, want); d != "" {
				t.Errorf("concat: %s", d)
			}
			if d := frameDiff(f.Materialize(), f); d != "" {
				t.Errorf("clone: %s", d)
			}

			// Equal present values hash alike and get one group rank; the
			// ranks follow compare.
			hashes, err := f.hashRows([]string{"c"})
			if err != nil {
				t.Fatal(err)
			}
			codes, distinct := factorize(c, nil)
			cmpRows := c.vec.compare()
			for a := 0; a < n; a++ {
				if !c.valid.IsValid(a) {
					if codes[a] != -1 || hashes[a] != foldHash(0, missingHash) {
						t.Errorf("missing row %d: code %d, hash %x", a, codes[a], hashes[a])
					}
					continue
				}
				if codes[a] < 0 || int(codes[a]) >= distinct {
					t.Errorf("row %d: code %d of %d", a, codes[a], distinct)
				}
				for b := 0; b < n; b++ {
					if !c.valid.IsValid(b) {
						continue
					}
					order := cmpRows(a, b)
					if got := cmpInt32(codes[a], codes[b]); got != order {
						t.Errorf("rows %d, %d: compare %d, ranks %d, %d", a, b, order, codes[a], codes[b])
					}
					if order == 0 && hashes[a] != hashes[b] {
						t.Errorf("rows %d, %d: equal values, hashes %x, %x", a, b, hashes[a], hashes[b])
					}
				}
			}
			g, err := f.GroupBy("c")
			if err != nil {
				t.Fatal(err)
			}
			for k := range g.Len() {
				r := g.Rows(k)[0]
				if got, want := g.Key(k)[0], c.vec.value(r); !reflect.DeepEqual(got, want) {
					t.Errorf("group %d key %v, row %d value %v", k, got, r, want)
				}
			}
			sorted, err := f.Sort(Asc("c"))
			if err != nil {
				t.Fatal(err)
			}
			order := sorted.rows
			for i := 1; i < len(order); i++ {
				a, b := order[i-1], order[i]
				if c.valid.IsValid(a) && c.valid.IsValid(b) && cmpRows(a, b) > 0 {
					t.Errorf("sorted rows %d, %d out of order", a, b)
				}
				if !c.valid.IsValid(a) && c.valid.IsValid(b) {
					t.Errorf("missing row %d sorted before present row %d", a, b)
				}
			}

			// Numeric conversion: bulk and per-row readers agree.
			if floats, ok := c.vec.float64s(nil, c.valid); ok {
				at := c.vec.floatAt(c.valid)
				for r := 0; r < n; r++ {
					v, present := at(r)
					one, present1, ok1 := c.vec.float64At(r, c.valid)
					if present != c.valid.IsValid(r) || present1 != present || !ok1 {
						t.Errorf("row %d: present %v/%v, valid %v", r, present, present1, c.valid.IsValid(r))
					}
					if present && (v != floats[r] || one != v) {
						t.Errorf("row %d: %v, %v, bulk %v", r, v, one, floats[r])
					}
					if !present && !math.IsNaN(floats[r]) {
						t.Errorf("missing row %d converts to %v, want NaN", r, floats[r])
					}
				}
			} else if c.vec.floatAt(c.valid) != nil {
				t.Error("float64s refuses the type but floatAt converts it")
			}

			// Display renders every row, missing ones included.
			cells := formatCells(c, []int{0, 1, 2})
			if len(cells) != 3 || cells[2] == "" || slices.Contains(cells[:2], "") && typ != String {
				t.Errorf("format: %q", cells)
			}

			// The wire and CSV give the same column back.
			v, err := wire.Encode(f, frameType)
			if err != nil {
				t.Fatal(err)
			}
			back, err := wire.Decode(v, frameType)
			if err != nil {
				t.Fatal(err)
			}
			if d := frameDiff(f, back.(*Frame)); d != "" {
				t.Errorf("wire round trip: %s", d)
			}
			var buf bytes.Buffer
			if err := WriteCSV(&buf, f); err != nil {
				t.Fatal(err)
			}
			read, err := ReadCSVFrom(&buf, WithColumnType("c", typ), WithInfinity())
			if err != nil {
				t.Fatalf("reading back %q: %v", buf.String(), err)
			}
			if d := frameDiff(f, read); d != "" {
				t.Errorf("CSV round trip of %q: %s", buf.String(), d)
			}
		})
	}
}

func cmpInt32(a, b int32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
