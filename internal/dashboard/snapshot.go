package dashboard

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// maxStream is about how many finished tasks one snapshot carries at most: under a flood of
// short tasks, 400 bars a second are more than a person can follow, and each costs the browser.
const maxStream = 100

// streamWindow is how far back the task stream reaches.
const streamWindow = 90 * time.Second

// Snapshot returns the collector's present state (see Source).
func (c *Collector) Snapshot(cur *Cursor) *Snapshot {
	now := time.Since(c.epoch)
	snap := &Snapshot{Title: c.title, Epoch: c.epoch.UnixMilli(), Now: now.Milliseconds(), Process: c.proc.sample()}
	c.mu.Lock()
	runs := slices.Clone(c.runs)
	snap.Failures = slices.Clone(c.failures)
	c.mu.Unlock()

	byName := map[string]int{}
	workers := map[int]*WorkerStats{}
	live := map[int]bool{}
	for _, r := range runs {
		comp := Computation{ID: r.id, Client: "this process", Scheduler: r.scheduler, State: "running",
			StartMs: r.start.Sub(c.epoch).Milliseconds()}
		if end := r.end.Load(); end != nil {
			comp.EndMs = end.at.Sub(c.epoch).Milliseconds()
			comp.State = "done"
			if end.err != nil {
				comp.State, comp.Error = "failed", end.err.Error()
			}
		} else if snap.Scheduler == "" {
			snap.Scheduler = r.scheduler
		}
		if r.sent != nil {
			snap.BytesSent += r.sent.Load()
		}
		fns := make([]FunctionStats, len(r.names))
		for f, name := range r.names {
			fns[f].Name, fns[f].Total = name, r.totals[f]
			comp.Tasks += r.totals[f]
		}
		plan := r.plan.Load()
		for k := range r.shards {
			s := &r.shards[k]
			no := int(r.shardBase) + k
			live[no] = true
			var started int64
			s.mu.Lock()
			for f := range s.counts {
				fc := &s.counts[f]
				started += fc.started
				fns[f].Done += fc.done
				fns[f].Failed += fc.failed
				fns[f].Running += max(fc.started-fc.done-fc.failed, 0)
				fns[f].Timed += fc.timed
				fns[f].TotalNs += fc.ns
				for b, n := range fc.buckets {
					fns[f].Buckets[b] += n
				}
			}
			if comp.State == "running" || s.done > 0 {
				w := workers[k]
				if w == nil {
					w = &WorkerStats{ID: k, Name: fmt.Sprintf("worker %d", k), RSS: -1, CPU: -1}
					workers[k] = w
				}
				w.Running += max(started-s.done, 0)
				w.Done += s.done
			}
			if cur != nil {
				// At most a share of maxStream per snapshot: under a flood of short tasks the
				// stream shows the latest, and a browser's work stays bounded.
				from := cur.seen[no]
				if keep := uint64(max(maxStream/len(r.shards), 16)); s.seq > keep && from < s.seq-keep {
					from = s.seq - keep
				}
				for q := from; q < s.seq; q++ {
					rec := s.ring[q%ringSize]
					if time.Duration(rec.start+rec.dur) < now-streamWindow {
						continue
					}
					span := TaskSpan{ID: uint64(no)<<40 | q, Worker: int(rec.worker), StartMs: float64(rec.start) / 1e6,
						DurMs: float64(rec.dur) / 1e6, Failed: rec.failed}
					if f := rec.fn; f >= 0 {
						span.Func = r.names[f]
					}
					if plan != nil {
						span.Key = string(plan.Task(rec.task).Key())
					}
					snap.Stream = append(snap.Stream, span)
				}
				if cur.seen == nil {
					cur.seen = map[int]uint64{}
				}
				cur.seen[no] = s.seq
			}
			s.mu.Unlock()
		}
		for f := range fns {
			if comp.State != "running" {
				fns[f].Skipped = max(fns[f].Total-fns[f].Done-fns[f].Failed, 0)
			}
		}
		for _, fs := range fns {
			comp.Done += fs.Done
			comp.Failed += fs.Failed
			k, ok := byName[fs.Name]
			if !ok {
				k = len(snap.Functions)
				byName[fs.Name] = k
				snap.Functions = append(snap.Functions, FunctionStats{Name: fs.Name})
			}
			agg := &snap.Functions[k]
			agg.Total += fs.Total
			agg.Done += fs.Done
			agg.Failed += fs.Failed
			agg.Running += max(fs.Running, 0)
			agg.Skipped += fs.Skipped
			agg.Timed += fs.Timed
			agg.TotalNs += fs.TotalNs
			for b, n := range fs.Buckets {
				agg.Buckets[b] += n
			}
		}
		snap.Computations = append(snap.Computations, comp)
	}
	for k := range snap.Functions {
		f := &snap.Functions[k]
		f.Queued = max(f.Total-f.Done-f.Failed-f.Running-f.Skipped, 0)
	}
	// The worker processes' memory and CPU, from the latest computation that has them.
	for k := len(runs) - 1; k >= 0; k-- {
		if f := runs[k].usage.Load(); f != nil {
			n := len(runs[k].shards)
			for _, u := range (*f)() {
				if w := workers[u.Worker%n]; w != nil && u.Worker >= 0 {
					w.RSS, w.CPU = u.RSS, u.CPU
				}
			}
			break
		}
	}
	for _, w := range workers {
		snap.Workers = append(snap.Workers, *w)
	}
	slices.SortFunc(snap.Workers, func(a, b WorkerStats) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortStableFunc(snap.Stream, func(a, b TaskSpan) int { return cmp.Compare(a.StartMs, b.StartMs) })
	snap.fillNil()
	if cur != nil {
		for no := range cur.seen {
			if !live[no] {
				delete(cur.seen, no)
			}
		}
	}
	return snap
}
