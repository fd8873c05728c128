package delayed

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestProgressLineRateAndETA(t *testing.T) {
	for _, c := range []struct {
		n, total, stored int
		elapsed          time.Duration
		final            bool
		want             string
	}{
		{0, 100, 0, time.Second, false, "[                              ]   0% 0/100 tasks 1.0s"},
		{50, 100, 0, 2 * time.Second, false, "[###############               ]  50% 50/100 tasks 2.0s, 25.0 tasks/s, ETA 2s"},
		{1000, 4000, 0, time.Second, false, "[#######                       ]  25% 1000/4000 tasks 1.0s, 1000 tasks/s, ETA 3s"},
		{100, 100, 0, 4 * time.Second, true, "[##############################] 100% 100/100 tasks 4.0s, 25.0 tasks/s"},
		{40, 100, 0, 4 * time.Second, true, "[############                  ]  40% 40/100 tasks 4.0s, 10.0 tasks/s"},
		{1, 3, 7, 10 * time.Second, false, "[##########                    ]  33% 1/3 tasks 10.0s, 0.1 tasks/s, ETA 20s, 7 from the store"},
		{0, 0, 0, 0, true, "[##############################] 100% 0/0 tasks 0.0s"},
	} {
		if got := progressLine(c.n, c.total, c.stored, c.elapsed, c.final); got != c.want {
			t.Errorf("progressLine(%d, %d, %d, %v, %v)\n got %q\nwant %q", c.n, c.total, c.stored, c.elapsed, c.final, got, c.want)
		}
	}
}

func TestFunctionProgressLines(t *testing.T) {
	fp := &funcProgress{names: []string{"pkg.load", "pkg.a_rather_long_function_name_that_goes_on_and_on"}, totals: []int{4, 2}}
	fp.done = make([]atomic.Int64, 2)
	fp.done[0].Store(1)
	fp.done[1].Store(2)
	lines := fp.lines()
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	if !strings.HasPrefix(lines[0], "  pkg.load ") || !strings.HasSuffix(lines[0], "]  25% 1/4") {
		t.Errorf("line 0 %q", lines[0])
	}
	if !strings.HasSuffix(lines[1], "] 100% 2/2") || !strings.Contains(lines[1], "...") {
		t.Errorf("line 1 %q", lines[1])
	}
	if strings.Index(lines[0], "[") != strings.Index(lines[1], "[") {
		t.Errorf("bars not aligned:\n%s\n%s", lines[0], lines[1])
	}
}
