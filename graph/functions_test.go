package graph

import (
	"slices"
	"testing"
)

// Functions lists the functions a plan calls in the order of their first task, with exact
// counts, whatever the order the calls interleave in; culled tasks and data are not counted.
func TestPlanFunctionsCountsCalls(t *testing.T) {
	one := NewData(1)
	var outs []*Task
	x := NewTask1(incF, one)
	for k := range 5 {
		x = NewTask1(incF, x)
		if k%2 == 0 {
			x = NewTask2(addF, x, one)
		}
	}
	outs = append(outs, x)
	_ = NewTask2(addF, x, x) // never compiled: culled
	p, err := Compile(outs...)
	if err != nil {
		t.Fatal(err)
	}
	want := []FunctionCalls{{Func: incF, Calls: 6}, {Func: addF, Calls: 3}}
	if got := p.Functions(); !slices.Equal(got, want) {
		t.Errorf("Functions() = %v, want %v", got, want)
	}
	sum := 0
	for _, f := range p.Functions() {
		sum += f.Calls
	}
	if sum != p.Calls() {
		t.Errorf("the functions' calls add to %d, the plan has %d", sum, p.Calls())
	}
	if empty, err := Compile(one); err != nil || len(empty.Functions()) != 0 {
		t.Errorf("a plan of data alone: Functions() = %v, %v", empty.Functions(), err)
	}
}
