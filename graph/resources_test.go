package graph

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestParseResources(t *testing.T) {
	r, err := ParseResources(" gpu=1, mem=64e9 ")
	if err != nil || r["gpu"] != 1 || r["mem"] != 64e9 || len(r) != 2 {
		t.Fatalf("got %v, %v", r, err)
	}
	if s := r.String(); s != "gpu=1,mem=6.4e+10" {
		t.Errorf("String = %q", s)
	}
	if r, err := ParseResources(""); err != nil || r != nil {
		t.Errorf("empty: %v, %v", r, err)
	}
	for _, bad := range []string{"gpu", "gpu=x", "gpu=0", "gpu=-1", "gpu=NaN", "gpu=Inf", "gpu=1,gpu=2", "=1", "g pu=1"} {
		if _, err := ParseResources(bad); !errors.Is(err, ErrResources) {
			t.Errorf("%q: err = %v, want ErrResources", bad, err)
		}
	}
	if err := (Resources{"gpu": math.NaN()}).Validate(); !errors.Is(err, ErrResources) {
		t.Errorf("NaN validated: %v", err)
	}
}

func TestLacks(t *testing.T) {
	have := Resources{"gpu": 1, "mem": 8e9}
	if m := have.Lacks(Resources{"gpu": 1, "mem": 4e9}); m != "" {
		t.Errorf("covered, but lacks %q", m)
	}
	if m := have.Lacks(Resources{"gpu": 2, "tpu": 1}); m != "gpu=2" {
		t.Errorf("lacks %q, want gpu=2 (first by name)", m)
	}
	if m := Resources(nil).Lacks(Resources{"tpu": 1}); m != "tpu=1" {
		t.Errorf("lacks %q", m)
	}
}

func TestShareResources(t *testing.T) {
	r := Resources{"gpu": 2, "mem": 64e9, "half": 1.5}
	var total Resources = Resources{}
	for k := range 4 {
		for name, v := range ShareResources(r, k, 4) {
			total[name] += v
		}
	}
	if total.String() != r.String() {
		t.Errorf("shares add up to %v, want %v", total, r)
	}
	if s := ShareResources(r, 0, 4); s["gpu"] != 1 || s["mem"] != 16e9 || s["half"] != 1 {
		t.Errorf("worker 0: %v", s)
	}
	if s := ShareResources(r, 1, 4); s["gpu"] != 1 || s["half"] != 0.5 {
		t.Errorf("worker 1: %v", s)
	}
	if s := ShareResources(r, 3, 4); s["gpu"] != 0 || s["mem"] != 16e9 {
		t.Errorf("worker 3: %v", s)
	}
}

func TestPriorityOrder(t *testing.T) {
	if rank, order := PriorityOrder(5, func(int32) int { return 0 }); rank != nil || order != nil {
		t.Fatal("no priorities should give no ranking")
	}
	prio := []int{0, 3, -1, 3, 1}
	rank, order := PriorityOrder(5, func(i int32) int { return prio[i] })
	if want := []int32{1, 3, 4, 0, 2}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	for r, i := range order {
		if rank[i] != int32(r) {
			t.Fatalf("rank[%d] = %d, want %d", i, rank[i], r)
		}
	}
}
