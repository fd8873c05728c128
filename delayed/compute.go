package delayed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/dashboard"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Compute computes d with the configured scheduler and returns its value. Options given here
// take precedence over [Configure] and the environment.
func (d Delayed[T]) Compute(ctx context.Context, opts ...Option) (T, error) {
	var zero T
	results, err := compute(ctx, []*graph.Task{d.t}, opts)
	if err != nil {
		return zero, err
	}
	v, _ := results[0].(T)
	return v, nil
}

// Compute computes several values in one pass over their combined graph, so that intermediates
// they share are computed once. Results come back in the order of nodes.
func Compute(ctx context.Context, nodes []Node, opts ...Option) ([]any, error) {
	tasks := make([]*graph.Task, len(nodes))
	for i, n := range nodes {
		if n != nil {
			tasks[i] = n.Task()
		}
	}
	return compute(ctx, tasks, opts)
}

// Compute2 computes two values of any types in one pass (see [Compute]).
func Compute2[A, B any](ctx context.Context, a Delayed[A], b Delayed[B], opts ...Option) (A, B, error) {
	var (
		za A
		zb B
	)
	results, err := compute(ctx, []*graph.Task{a.t, b.t}, opts)
	if err != nil {
		return za, zb, err
	}
	va, _ := results[0].(A)
	vb, _ := results[1].(B)
	return va, vb, nil
}

// Compute3 computes three values of any types in one pass (see [Compute]).
func Compute3[A, B, C any](ctx context.Context, a Delayed[A], b Delayed[B], c Delayed[C], opts ...Option) (A, B, C, error) {
	var (
		za A
		zb B
		zc C
	)
	results, err := compute(ctx, []*graph.Task{a.t, b.t, c.t}, opts)
	if err != nil {
		return za, zb, zc, err
	}
	va, _ := results[0].(A)
	vb, _ := results[1].(B)
	vc, _ := results[2].(C)
	return va, vb, vc, nil
}

var errNilContext = errors.New("lazygraph: Compute needs a context (got nil)")

// compute is what every Compute does: configure, compile, run, collect.
func compute(ctx context.Context, outputs []*graph.Task, opts []Option) (results []any, err error) {
	if ctx == nil {
		return nil, errNilContext
	}
	s, err := resolve(opts)
	var job *schedulers.Job
	info := ComputeInfo{Scheduler: s.scheduler, Workers: s.workers}
	start := time.Now()
	if err == nil && s.trace != "" {
		tr := newTracer(s.trace)
		s.callbacks = append(slices.Clip(s.callbacks), tr.callbacks())
		defer func() {
			if werr := tr.write(); werr != nil && err == nil {
				err = werr
			}
		}()
	}
	var obs *observer
	var dash *dashboard.Collector
	if err == nil && s.dashboard != "" {
		dash, err = openDashboard(s.dashboard)
	}
	if len(s.callbacks) > 0 || s.progress != nil || dash != nil {
		obs = &observer{callbacks: s.callbacks}
	}
	defer func() {
		if obs == nil {
			return
		}
		if job != nil {
			job.Settle() // the untimed tasks the scheduler has not reported
		}
		if obs.dash != nil {
			obs.dash.Finish(err)
		}
		if obs.progress != nil {
			obs.progress.close(err != nil)
		}
		info.Elapsed, info.Failed, info.Err = time.Since(start), err != nil, err
		if job != nil {
			info.BytesSent = job.BytesSent.Load()
		}
		for _, cb := range obs.callbacks {
			if cb.Finish != nil {
				cb.Finish(info)
			}
		}
	}()

	var (
		plan  *graph.Plan
		sched schedulers.Scheduler
		cache *resultCache
	)
	if err == nil && s.cacheDir != "" {
		if cache, err = openResultCache(s.cacheDir, s.logger); err == nil {
			outputs = cache.rewrite(outputs)
			info.FromStore = cache.hits
		}
	}
	if err == nil {
		plan, err = graph.Compile(outputs...)
	}
	if err == nil {
		if s.instance != nil {
			sched = s.instance
		} else if sched, err = schedulers.Lookup(s.scheduler); err != nil {
			err = fmt.Errorf("lazygraph configuration: %w", err)
		}
	}
	if err == nil && len(plan.Placeholders()) > 0 {
		if _, ok := sched.(schedulers.PlaceholderScheduler); !ok {
			t := plan.Task(plan.Placeholders()[0])
			err = fmt.Errorf("%w: %s stands for a value kept by a distributed cluster (a future); compute it with that cluster's scheduler, not %q",
				ErrInvalidGraph, t.Key(), s.scheduler)
		}
	}
	if plan != nil {
		info.Tasks = plan.Calls()
	}
	if obs != nil {
		for _, cb := range obs.callbacks {
			if cb.Start != nil {
				cb.Start(info)
			}
		}
	}
	if err != nil {
		return nil, err
	}

	job = schedulers.NewJob(plan)
	job.Workers = s.workers
	job.Chunksize = s.chunksize
	job.Address = s.address
	job.Logger = s.logger
	if job.Hook = wireCheckHook(&s); job.Hook != nil {
		if err = checkData(plan); err != nil {
			return nil, err
		}
	}
	job.Seed = s.seed
	if cache != nil {
		cache.attach(plan)
		defer cache.finish()
		job.OnResult = cache.onResult
		job.OnEncodedResult = cache.onEncodedResult
		job.OnStored = cache.onStored
		job.StoreDir, job.StoreKeys = s.cacheDir, cache.save
	}
	if obs != nil {
		obs.plan = plan
		if dash != nil {
			obs.dash = dash.Begin(plan, s.scheduler, job.Workers, &job.BytesSent)
			if ur, ok := sched.(schedulers.UsageReporter); ok {
				// Not the job itself, which the dashboard would keep with its results.
				pool := &schedulers.Job{Workers: job.Workers, Resources: job.Resources}
				obs.dash.SetUsage(func() []schedulers.WorkerUsage { return ur.WorkerUsage(pool) })
			}
		}
		if s.progress != nil {
			var funcs *funcProgress
			if s.progressFuncs {
				funcs = newFuncProgress(plan)
			}
			obs.progress = startProgress(s.progress, plan.Calls(), info.FromStore, obs.finished.Load, funcs)
		}
		job.Observer = obs
	}
	job.Retries = s.retries
	job.Priority = s.priority
	job.Resources = s.resources
	job.WorkerMemory = s.workerMemory
	job.NoOutputRelay = s.noRelay
	job.Stdout, job.Stderr = s.relayOut[0], s.relayOut[1]
	if s.keepGoing {
		_, policies := sched.(schedulers.PolicyScheduler)
		_, keeps := sched.(schedulers.KeepGoingScheduler)
		if !policies && !keeps {
			err = fmt.Errorf("lazygraph configuration: the scheduler %q (%T) cannot keep going after a failure; every built-in scheduler can", s.scheduler, sched)
			return nil, err
		}
		job.KeepGoing()
	}
	if err = sched.Execute(ctx, job); err != nil {
		return nil, err
	}
	if cache != nil {
		cache.saveOutputs(job)
	}
	results = make([]any, len(outputs))
	for k, i := range plan.Outputs() {
		results[k] = job.Result(i)
	}
	err = failuresOf(plan, job)
	return results, err
}
