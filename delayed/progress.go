package delayed

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressBar redraws "[#####     ]  50% 500/1000 tasks 1.2s" (followed by ", 20 from the
// store" when a result store supplied tasks) on a writer while a computation
// runs: in place every 100 ms on a terminal, as a new line every 2 s otherwise. Its goroutine
// ends in close, which draws the final state.
type progressBar struct {
	w        io.Writer
	total    int
	finished func() int64
	stored   int // tasks taken from the result store instead of run, not counted in total
	start    time.Time
	inPlace  bool
	stop     chan struct{}
	done     sync.WaitGroup
}

const progressWidth = 30

func startProgress(w io.Writer, total, stored int, finished func() int64) *progressBar {
	p := &progressBar{w: w, total: total, stored: stored, finished: finished, start: time.Now(), stop: make(chan struct{})}
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
	n := int(p.finished())
	frac := 1.0
	if p.total > 0 {
		frac = float64(n) / float64(p.total)
	}
	filled := int(frac * progressWidth)
	line := fmt.Sprintf("[%s%s] %3.0f%% %d/%d tasks %.1fs",
		strings.Repeat("#", filled), strings.Repeat(" ", progressWidth-filled),
		100*frac, n, p.total, time.Since(p.start).Seconds())
	if p.stored > 0 {
		line += fmt.Sprintf(", %d from the store", p.stored)
	}
	switch {
	case p.inPlace && final:
		fmt.Fprintf(p.w, "\r%s\n", line)
	case p.inPlace:
		fmt.Fprintf(p.w, "\r%s", line)
	default:
		fmt.Fprintln(p.w, line)
	}
}
