package dashboard

import (
	"fmt"
	"time"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

// Coordinator is what a cluster's dashboard reads: a cluster.Coordinator.
type Coordinator interface {
	Telemetry(cursor uint64) cluster.Telemetry
}

// ClusterSource shows a coordinator's computations (those of a distributed scheduler, say);
// title names it on the page and scheduler is the scheduler's kind.
func ClusterSource(coord Coordinator, title, scheduler string) Source {
	return &clusterSource{coord: coord, title: title, scheduler: scheduler, epoch: time.Now()}
}

type clusterSource struct {
	coord     Coordinator
	title     string
	scheduler string
	epoch     time.Time
	proc      procSampler
}

func (c *clusterSource) ms(t time.Time) int64 { return t.Sub(c.epoch).Milliseconds() }

func (c *clusterSource) Snapshot(cur *Cursor) *Snapshot {
	var cursor uint64
	if cur != nil {
		cursor = cur.seen[0]
	}
	tel := c.coord.Telemetry(cursor)
	now := time.Now()
	snap := &Snapshot{Title: c.title, Scheduler: c.scheduler, Epoch: c.epoch.UnixMilli(), Now: c.ms(now),
		Process: c.proc.sample(), Queued: tel.Queued}
	byName := map[string]int{}
	readable := names{}
	for _, j := range tel.Jobs {
		comp := Computation{ID: int(j.ID), Client: j.Client, Scheduler: c.scheduler, State: "running",
			StartMs: c.ms(j.Start)}
		if comp.Client == "" {
			comp.Client = "–"
		}
		if !j.End.IsZero() {
			comp.EndMs, comp.State = c.ms(j.End), "done"
			if j.Failed {
				comp.State, comp.Error = "failed", j.Err
			}
		}
		for _, f := range j.Funcs {
			comp.Tasks += f.Total
			comp.Done += f.Done
			comp.Failed += f.Failed
			name := readable.of(f.Name)
			k, ok := byName[name]
			if !ok {
				k = len(snap.Functions)
				byName[name] = k
				snap.Functions = append(snap.Functions, FunctionStats{Name: name})
			}
			agg := &snap.Functions[k]
			agg.Total += f.Total
			agg.Done += f.Done
			agg.Failed += f.Failed
			agg.Running += f.Running
			agg.Timed += f.Done
			agg.TotalNs += f.Ns
			for b, n := range f.Buckets {
				agg.Buckets[min(b, NumBuckets-1)] += n
			}
			if comp.State == "running" {
				agg.Queued += max(f.Total-f.Done-f.Failed-f.Running, 0)
			} else {
				agg.Skipped += max(f.Total-f.Done-f.Failed, 0)
			}
		}
		snap.Computations = append(snap.Computations, comp)
	}
	for _, w := range tel.Workers {
		ws := WorkerStats{ID: w.ID, Name: w.Name, Queued: w.Queued, HeldKeys: w.HeldKeys, HeldBytes: w.HeldBytes,
			Done: w.Completed, RSS: w.RSS, CPU: w.CPU}
		if w.Running {
			ws.Running = 1
		}
		snap.Workers = append(snap.Workers, ws)
	}
	for _, f := range tel.Failures {
		fl := Failure{Key: fmt.Sprintf("computation %d, task %d", f.Job, f.Task), Func: readable.of(f.Func),
			Computation: int(f.Job), WorkerName: f.Worker, Error: f.Message, AtMs: c.ms(f.At)}
		// The coordinator knows tasks by index, not by key: the index tells the tasks apart.
		fl.Task = fl.Key
		if fl.Func != "" {
			fl.Task = fmt.Sprintf("%s #%d", fl.Func, f.Task)
		}
		snap.Failures = append(snap.Failures, fl)
	}
	if cur != nil {
		stream := tel.Stream
		if len(stream) > maxStream {
			stream = stream[len(stream)-maxStream:]
		}
		for _, r := range stream {
			snap.Stream = append(snap.Stream, TaskSpan{ID: r.Seq, Worker: int(r.Worker), Func: readable.of(r.Func),
				StartMs: float64(r.Start.Sub(c.epoch)) / 1e6, DurMs: float64(r.Elapsed) / 1e6, Failed: r.Failed})
		}
		if cur.seen == nil {
			cur.seen = map[int]uint64{}
		}
		cur.seen[0] = tel.Next
	}
	snap.fillNil()
	return snap
}
