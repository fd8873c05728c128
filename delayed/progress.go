package delayed

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lazygraph/lazygraph/graph"
)

// progressBar redraws "[#####     ]  50% 500/1000 tasks 1.2s, 410 tasks/s, ETA 1.2s" (followed
// by ", 20 from the store" when a result store supplied tasks) on a writer while a computation
// runs: in place every 100 ms on a terminal, as a new line every 2 s otherwise. With functions
// (WithFunctionProgress, LAZYGRAPH_PROGRESS=functions) a line per function follows, with that
// function's done/total. Its goroutine ends in close, which draws the final state.
type progressBar struct {
	w        io.Writer
	total    int
	finished func() int64
	stored   int           // tasks taken from the result store instead of run, not counted in total
	funcs    *funcProgress // nil unless a line per function is wanted
	start    time.Time
	inPlace  bool
	drawn    int // lines of the last in-place drawing, to move back over
	stop     chan struct{}
	done     sync.WaitGroup
}

const progressWidth = 30

// funcProgress counts the finished calls of each function of a plan.
type funcProgress struct {
	names  []string
	totals []int
	done   []atomic.Int64
	of     []int32 // plan task → index in names, -1 for data
}

// newFuncProgress groups the calls of plan by function, in the order the plan first uses each.
func newFuncProgress(plan *graph.Plan) *funcProgress {
	fp := &funcProgress{of: make([]int32, plan.Len())}
	index := map[string]int32{}
	for i := range plan.Len() {
		fn := plan.Task(int32(i)).Func()
		if fn == nil {
			fp.of[i] = -1
			continue
		}
		name := shortFuncName(fn.DisplayName())
		k, ok := index[name]
		if !ok {
			k = int32(len(fp.names))
			index[name] = k
			fp.names = append(fp.names, name)
			fp.totals = append(fp.totals, 0)
		}
		fp.of[i] = k
		fp.totals[k]++
	}
	fp.done = make([]atomic.Int64, len(fp.names))
	return fp
}

func (fp *funcProgress) finished(task int32) {
	if k := fp.of[task]; k >= 0 {
		fp.done[k].Add(1)
	}
}

func startProgress(w io.Writer, total, stored int, finished func() int64, funcs *funcProgress) *progressBar {
	p := &progressBar{w: w, total: total, stored: stored, finished: finished, funcs: funcs,
		start: time.Now(), stop: make(chan struct{})}
	interval := 2 * time.Second
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.inPlace = true
			interval = 100 * time.Millisecond
		}
	}
	p.done.Add(1)
	go p.loop(interval)
	return p
}

func (p *progressBar) loop(interval time.Duration) {
	defer p.done.Done()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			p.draw(false)
		}
	}
}

func (p *progressBar) close(failed bool) {
	close(p.stop)
	p.done.Wait()
	p.draw(true)
	if failed {
		fmt.Fprintln(p.w, "computation failed")
	}
}

func (p *progressBar) draw(final bool) {
	lines := []string{progressLine(int(p.finished()), p.total, p.stored, time.Since(p.start), final)}
	if p.funcs != nil {
		lines = append(lines, p.funcs.lines()...)
	}
	switch {
	case p.inPlace:
		var b strings.Builder
		if p.drawn > 1 {
			fmt.Fprintf(&b, "\x1b[%dA", p.drawn-1) // back to the first line of the last drawing
		}
		for i, line := range lines {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "\r%s\x1b[K", line)
		}
		if final {
			b.WriteByte('\n')
		}
		p.drawn = len(lines)
		io.WriteString(p.w, b.String())
	default:
		io.WriteString(p.w, strings.Join(lines, "\n")+"\n")
	}
}

// progressLine is the overall line: bar, share, counts, time, and once tasks have finished the
// rate, and while tasks remain the estimated time to finish at that rate.
func progressLine(n, total, stored int, elapsed time.Duration, final bool) string {
	frac := 1.0
	if total > 0 {
		frac = float64(n) / float64(total)
	}
	line := fmt.Sprintf("%s %3.0f%% %d/%d tasks %.1fs", bar(frac), 100*frac, n, total, elapsed.Seconds())
	if n > 0 && elapsed > 0 {
		rate := float64(n) / elapsed.Seconds()
		line += fmt.Sprintf(", %s tasks/s", formatRate(rate))
		if n < total && !final {
			eta := time.Duration(float64(total-n) / rate * float64(time.Second))
			line += fmt.Sprintf(", ETA %s", eta.Round(100*time.Millisecond))
		}
	}
	if stored > 0 {
		line += fmt.Sprintf(", %d from the store", stored)
	}
	return line
}

func bar(frac float64) string {
	filled := min(max(int(frac*progressWidth), 0), progressWidth)
	return "[" + strings.Repeat("#", filled) + strings.Repeat(" ", progressWidth-filled) + "]"
}

func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 1:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.2g", r)
	}
}

// lines is a line per function: "  norm2     [#####     ]  50% 10/20".
func (fp *funcProgress) lines() []string {
	width := 0
	for _, name := range fp.names {
		width = max(width, len(name))
	}
	width = min(width, 40)
	out := make([]string, len(fp.names))
	for k, name := range fp.names {
		if len(name) > width {
			name = name[:width-3] + "..."
		}
		n, total := int(fp.done[k].Load()), fp.totals[k]
		frac := 1.0
		if total > 0 {
			frac = float64(n) / float64(total)
		}
		out[k] = fmt.Sprintf("  %-*s %s %3.0f%% %d/%d", width, name, bar(frac), 100*frac, n, total)
	}
	return out
}

// WithFunctionProgress draws a progress bar on w while computing, as [WithProgress] does,
// followed by a line per function with how many of its calls are done out of how many.
// LAZYGRAPH_PROGRESS=functions does the same on standard error. nil turns progress off.
func WithFunctionProgress(w io.Writer) Option {
	return func(s *settings) {
		s.progress, s.progressFuncs = w, w != nil
		s.assign(settingProgress, nil)
	}
}
