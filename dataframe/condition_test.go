package dataframe

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

func conditionFrame(t *testing.T) *Frame {
	x := NewFloat64Column("x", []float64{1, math.NaN(), 3, -2, 0})
	n, _ := NewInt64Column("n", []int64{10, 20, 30, 40, 50}).WithMissing([]bool{false, false, true, false, false})
	s, _ := NewStringColumn("s", []string{"b", "a", "c", "", "b"}).WithMissing([]bool{false, false, false, true, false})
	b := NewBoolColumn("b", []bool{true, false, true, false, true})
	when, _ := NewTimeColumn("when", []time.Time{
		time.Unix(10, 0), time.Unix(20, 0), {}, time.Unix(40, 0), time.Unix(50, 0),
	})
	return mustFrame(t, x, n, s, b, when)
}

// whereIDs returns the frame rows where c holds.
func whereIDs(t *testing.T, f *Frame, c Condition) []int {
	t.Helper()
	out, err := f.Where(c)
	if err != nil {
		t.Fatalf("Where %s: %v", c, err)
	}
	ids := []int{}
	for i := range out.NumRows() {
		ids = append(ids, out.baseRow(i))
	}
	return ids
}

func TestWhereComparisonsFollowPandas(t *testing.T) {
	f := conditionFrame(t)
	for _, c := range []struct {
		cond Condition
		want []int
	}{
		{Col("x").Gt(0), []int{0, 2}},
		{Col("x").Ge(0), []int{0, 2, 4}},
		{Col("x").Lt(1), []int{3, 4}},
		{Col("x").Le(1.0), []int{0, 3, 4}},
		{Col("x").Eq(3), []int{2}},
		{Col("x").Ne(3), []int{0, 1, 3, 4}}, // missing != 3, as in pandas
		{Col("n").Gt(int64(25)), []int{3, 4}},
		{Col("n").Lt(25.5), []int{0, 1}},
		{Col("n").Ne(10), []int{1, 2, 3, 4}},
		{Col("s").Eq("b"), []int{0, 4}},
		{Col("s").Ge("b"), []int{0, 2, 4}},
		{Col("b").Eq(true), []int{0, 2, 4}},
		{Col("b").Ne(true), []int{1, 3}},
		{Col("when").Ge(time.Unix(20, 0)), []int{1, 3, 4}},
		{Col("x").IsMissing(), []int{1}},
		{Col("s").IsPresent(), []int{0, 1, 2, 4}},
		{And(Col("x").Gt(-5), Col("b").Eq(true)), []int{0, 2, 4}},
		{Or(Col("x").IsMissing(), Col("s").Eq("c")), []int{1, 2}},
		{Not(Col("x").Gt(0)), []int{1, 3, 4}},
		{And(), []int{0, 1, 2, 3, 4}},
		{Or(), []int{}},
	} {
		if got := whereIDs(t, f, c.cond); !slices.Equal(got, c.want) {
			t.Errorf("Where %s: rows %v, want %v", c.cond, got, c.want)
		}
	}
}

func TestWhereOnAViewUsesItsRows(t *testing.T) {
	f := conditionFrame(t)
	v, _ := f.Take([]int{4, 3, 2, 0})
	got, err := v.Where(Col("x").Ge(0))
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := got.Float64s("x"); !slices.Equal(x, []float64{0, 3, 1}) {
		t.Errorf("got %v", x)
	}
}

func TestConditionErrors(t *testing.T) {
	f := conditionFrame(t)
	for _, c := range []struct {
		cond Condition
		want error
	}{
		{Col("nope").Gt(1), ErrUnknownColumn},
		{Col("s").Gt(1), ErrColumnType},
		{Col("x").Eq("a"), ErrColumnType},
		{Col("b").Lt(true), ErrColumnType},
		{Col("when").Gt(5), ErrColumnType},
		{Col("x").Eq(math.NaN()), ErrArgument},
		{Col("x").Eq([]int{1}), ErrArgument},
		{Col("x").Eq(uint64(math.MaxUint64)), ErrArgument},
		{And(Col("x").Gt(0), Col("x").Eq(struct{}{})), ErrArgument},
		{Condition{}, ErrArgument},
	} {
		_, err := f.Where(c.cond)
		if !errors.Is(err, c.want) {
			t.Errorf("Where %s: %v, want %v", c.cond, err, c.want)
		}
	}
}

func TestConditionString(t *testing.T) {
	c := And(Col("dose").Ge(2), Or(Col("site").Eq("north"), Not(Col("x").IsMissing())))
	if got, want := c.String(), `(dose >= 2 && (site == "north" || !(x is missing)))`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if got := Col("x").Eq(math.NaN()).String(); got != "invalid condition" {
		t.Errorf("invalid: %s", got)
	}
}
