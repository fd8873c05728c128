package cluster

import (
	"errors"
	"testing"
)

func TestNewGraphRefusesInconsistentDescriptions(t *testing.T) {
	fns := []Function{{Name: "f"}}
	cases := map[string]struct {
		argStart, args, funcs, outputs []int32
	}{
		"offsets too short":      {[]int32{0}, nil, []int32{-1, 0}, nil},
		"offsets past args":      {[]int32{0, 0, 2}, []int32{0}, []int32{-1, 0}, nil},
		"offsets decrease":       {[]int32{0, 1, 0, 1}, []int32{0}, []int32{-1, 0, 0}, nil},
		"argument not earlier":   {[]int32{0, 0, 1}, []int32{1}, []int32{-1, 0}, nil},
		"negative argument":      {[]int32{0, 0, 1}, []int32{-5}, []int32{-1, 0}, nil},
		"unknown function":       {[]int32{0, 0, 1}, []int32{0}, []int32{-1, 3}, nil},
		"data node with args":    {[]int32{0, 0, 1}, []int32{0}, []int32{-1, -1}, nil},
		"output out of range":    {[]int32{0, 0, 1}, []int32{0}, []int32{-1, 0}, []int32{9}},
		"first offset not zero":  {[]int32{1, 1, 1}, []int32{0}, []int32{-1, 0}, nil},
		"function index too low": {[]int32{0, 0}, nil, []int32{-2}, nil},
	}
	for name, c := range cases {
		if _, err := NewGraph(c.argStart, c.args, c.funcs, fns, c.outputs); !errors.Is(err, ErrInvalidGraph) {
			t.Errorf("%s: err = %v, want ErrInvalidGraph", name, err)
		}
	}
	g, err := NewGraph([]int32{0, 0, 1, 3}, []int32{0, 1, 0}, []int32{-1, 0, 0}, fns, []int32{2})
	if err != nil {
		t.Fatal(err)
	}
	if g.Calls() != 2 || len(g.Users(0)) != 2 || len(g.initial) != 1 || g.initial[0] != 1 {
		t.Errorf("calls %d, users of 0 %v, initial %v", g.Calls(), g.Users(0), g.initial)
	}
}
