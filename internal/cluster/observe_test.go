package cluster

import "testing"

// One task held up by a pause does not shrink the chunks; tasks that really got longer do.
func TestObserveIgnoresALonePause(t *testing.T) {
	var js Job
	for range 100 {
		js.observe(60)
	}
	js.observe(800_000) // a 0.8 ms pause during one 60 ns task
	if js.avgNs > 4*60 {
		t.Errorf("one paused task made the average %.0f ns", js.avgNs)
	}
	for range 10 {
		js.observe(60)
	}
	for range outlierRun + 3 {
		js.observe(1_000_000)
	}
	if js.avgNs < 100_000 {
		t.Errorf("after tasks of 1 ms in a row, the average is %.0f ns", js.avgNs)
	}
}

func TestSizeListKeepsLargeSizesExactly(t *testing.T) {
	s := newSizeList(3)
	for _, n := range []int64{0, 7, 1<<32 - 2, 1 << 32, 5 << 40} {
		s.set(1, n)
		if got := s.get(1); got != n {
			t.Errorf("set %d, got %d", n, got)
		}
	}
	s.set(1, 3)
	if len(s.large) != 0 || s.get(1) != 3 || s.get(0) != 0 {
		t.Errorf("after a small size: large %v, get %d", s.large, s.get(1))
	}
}
