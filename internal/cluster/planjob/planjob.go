// Package planjob runs a frontend computation (a compiled plan and its results, as the
// schedulers package describes it) on a cluster coordinator: it is the coordinator's [cluster.Owner]
// for computations started in this process. It lives apart from package cluster so that the
// coordinator knows nothing of the frontend.
package planjob

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/memfile"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Job runs a frontend job (a compiled plan and its results) on a coordinator, as its owner:
// it encodes data for workers, decodes outputs into the job, runs builtin assembly tasks, reports
// task events to the job's observer and turns failures into errors that name tasks by key.
type Job struct {
	job      *schedulers.Job
	ctx      context.Context
	cj       *cluster.Job
	memFiles bool
	done     chan error
	finished atomic.Int64
	mu       sync.Mutex
	outErr   error
	// sizes are the encoded sizes of data and results, for the spans of a SpanObserver (nil
	// without one): a task's bytes in are its arguments' sizes.
	sizes []atomic.Int64
	// The wire name of the type last encoded (typeName).
	lastType reflect.Type
	lastName string
}

var _ cluster.Owner = (*Job)(nil)

// New prepares j to run on a coordinator. With memFiles, large data go into memory files
// made once, which links to local worker processes pass instead of copying.
func New(ctx context.Context, j *schedulers.Job, memFiles bool) (*Job, error) {
	j.FewResults() // results come back here for the outputs and the tasks run locally only
	g, err := cluster.FromPlan(j.Plan)
	if err != nil {
		return nil, err
	}
	// Once per function, not per task: a wide graph has a million tasks of one function.
	var last *graph.Function
	seen := map[*graph.Function]bool{}
	for i := range int32(j.Plan.Len()) {
		t := j.Plan.Task(i)
		if t.IsData() || t.Func() == last {
			continue
		}
		last = t.Func()
		if !seen[last] && last.Portable() && !last.Builtin() {
			worker.RegisterTypesOf(last)
		}
		seen[last] = true
	}
	pj := &Job{job: j, ctx: ctx, memFiles: memFiles, done: make(chan error, 1)}
	if schedulers.WantsSizes(j.Observer) {
		pj.sizes = make([]atomic.Int64, j.Plan.Len())
	}
	var owner cluster.Owner = pj
	if j.OnEncodedResult != nil {
		owner = keeper{pj}
	}
	pj.cj = &cluster.Job{Graph: g, Owner: owner, Chunksize: j.Chunksize, Streams: streamKeys(j), Retries: j.Retries, KeepGoing: j.KeepsGoing(), NoRelay: j.NoOutputRelay, Priority: j.Priority}
	if err := pj.checkData(); err != nil {
		return nil, err
	}
	return pj, nil
}

// checkData checks, before anything runs, that every data node's value can be rebuilt by the
// workers: it can be encoded, and the values in its interface-typed places have registered
// types. The error names the task the value is an argument of.
func (pj *Job) checkData() error {
	p := pj.job.Plan
	for i := range int32(p.Len()) {
		if !p.IsData(i) {
			continue
		}
		value := p.Task(i).Value()
		if _, ok := value.(graph.Placeholder); ok {
			continue // held by a cluster already
		}
		static := pj.paramType(i)
		if static == nil {
			continue
		}
		if err := wire.CheckValue(value, static); err != nil {
			return pj.taskError(pj.firstUser(i), fmt.Errorf("an argument cannot be sent to worker processes: %w", err), 0)
		}
	}
	return nil
}

// firstUser is the first call taking data node i.
func (pj *Job) firstUser(i int32) int32 {
	if users := pj.job.Plan.Users(i); len(users) > 0 {
		return users[0]
	}
	return i
}

// Job returns the computation to submit to a coordinator (Run does it for this process's own
// coordinators; a remote client sends its description instead).
func (pj *Job) Job() *cluster.Job { return pj.cj }

// Wait returns the outcome once Finished has been called.
func (pj *Job) Wait() error { return <-pj.done }

// Finishes reports how many tasks have finished so far.
func (pj *Job) Finishes() int { return int(pj.finished.Load()) }

// Run computes the job on c and returns when it is over.
func (pj *Job) Run(c *cluster.Coordinator) error {
	defer pj.shareStore()()
	c.Submit(pj.cj)
	stop := context.AfterFunc(pj.ctx, func() {
		c.Cancel(pj.cj, schedulers.Stopped(pj.ctx, int(pj.finished.Load()), pj.job.Plan.Calls()))
	})
	defer stop()
	return <-pj.done
}

// Data encodes data node i as the type its first user takes.
func (pj *Job) Data(i int32) (*cluster.Encoded, error) {
	v, typ, err := pj.encode(i)
	if err != nil {
		return nil, err
	}
	e := cluster.NewEncoded(v, typ)
	if pj.sizes != nil {
		pj.sizes[i].Store(int64(v.Size()))
	}
	if pj.memFiles {
		for k, att := range v.Attachments {
			if len(att) < memfile.Threshold {
				continue
			}
			if e.Files == nil {
				e.Files = make([]int, len(v.Attachments))
				for n := range e.Files {
					e.Files[n] = -1
				}
			}
			if e.Files[k], err = memfile.Create(att); err != nil {
				return nil, err
			}
		}
		if e.Files != nil {
			files := e.Files
			e.Cleanup = func() {
				for _, fd := range files {
					if fd >= 0 {
						memfile.Close(fd)
					}
				}
			}
		}
	}
	return e, nil
}

var _ cluster.SmallDataOwner = (*Job)(nil)

// SmallData encodes data node i when its encoding is at most limit bytes with no attachments,
// without the Encoded that Data makes: a million-task graph has a million small data nodes.
func (pj *Job) SmallData(i int32, limit int) ([]byte, string, bool, error) {
	if schedulers.ApproxSize(pj.job.Plan.Task(i).Value()) > int64(limit) {
		return nil, "", false, nil
	}
	v, typ, err := pj.encode(i)
	if err != nil || len(v.Attachments) > 0 || len(v.Body) > limit {
		return nil, "", false, err // Data encodes it again: rare (a small value with a large encoding)
	}
	if pj.sizes != nil {
		pj.sizes[i].Store(int64(v.Size()))
	}
	return v.Body, typ, true, nil
}

// encode encodes data node i as the type its first user takes, and returns the type's wire name.
func (pj *Job) encode(i int32) (wire.Value, string, error) {
	p := pj.job.Plan
	value := p.Task(i).Value()
	static := pj.paramType(i)
	if static == nil {
		static = reflect.TypeOf(value)
		if static == nil {
			static = reflect.TypeFor[any]()
		}
	}
	if static.Kind() == reflect.Interface && value != nil && !wire.Known(reflect.TypeOf(value)) {
		return wire.Value{}, "", fmt.Errorf("a %T passed as %s must be registered with delayed.RegisterType at package initialisation to reach worker processes", value, static)
	}
	typ, err := pj.typeName(static)
	if err != nil {
		return wire.Value{}, "", err
	}
	v, err := wire.Encode(value, static)
	if err != nil {
		return wire.Value{}, "", err
	}
	return v, typ, nil
}

// typeName returns t's wire name, remembering the last one asked: data nodes mostly come in runs
// of one type. Called from Submit's goroutine only.
func (pj *Job) typeName(t reflect.Type) (string, error) {
	if t == pj.lastType && t != nil {
		return pj.lastName, nil
	}
	name, err := wire.TypeName(t)
	if err != nil {
		return "", err
	}
	pj.lastType, pj.lastName = t, name
	return name, nil
}

// paramType is the parameter type of the first call taking data node i, nil if unknown.
// Neither a builtin's answer nor a slice gatherer's depends on where i is among the call's
// arguments, so those are not scanned for it: a million data nodes gathered by one call
// (delayed.All over Values) made a million scans of a million arguments.
func (pj *Job) paramType(i int32) reflect.Type {
	p := pj.job.Plan
	for _, u := range p.Users(i) {
		fn := p.Task(u).Func()
		if fn.Builtin() && !fn.Portable() {
			return nil // assembled at the owner from the value itself
		}
		if elem := fn.Elem(); elem != nil {
			return elem
		}
		for k, a := range p.Args(u) {
			if a == i {
				return fn.ParamType(k)
			}
		}
	}
	return nil
}

// DataSize estimates a data node's size without encoding it (schedulers.ApproxSize); the size
// of its encoding replaces the estimate once the data are encoded at submission.
func (pj *Job) DataSize(i int32) int64 {
	return schedulers.ApproxSize(pj.job.Plan.Task(i).Value())
}

// RunLocal runs a builtin that assembles its arguments into a value (a map or struct with
// delayed values inside) here.
func (pj *Job) RunLocal(i int32, args []*cluster.Encoded) (*cluster.Encoded, bool, error) {
	p := pj.job.Plan
	task := p.Task(i)
	values := make([]any, len(args))
	for k, a := range p.Args(i) {
		if p.IsData(a) {
			values[k] = p.Task(a).Value()
			continue
		}
		t, ok := wire.TypeByName(args[k].Type)
		if !ok {
			return nil, true, fmt.Errorf("type %s is not registered", args[k].Type)
		}
		v, err := wire.Decode(args[k].Value, t)
		if err != nil {
			return nil, true, err
		}
		values[k] = v
	}
	v, err := task.Func().Call(pj.ctx, values)
	if err != nil {
		return nil, true, err
	}
	result := task.Func().Result()
	enc, err := wire.Encode(v, result)
	if err != nil {
		return nil, true, err
	}
	typ, err := wire.TypeName(result)
	if err != nil {
		return nil, true, err
	}
	pj.job.SetResult(i, v)
	return cluster.NewEncoded(enc, typ), true, nil
}

// Output decodes an output into the job's results.
func (pj *Job) Output(i int32, e *cluster.Encoded, _ uint64) {
	if pj.job.Result(i) != nil {
		return // assembled here already
	}
	v, err := wire.Decode(e.Value, resultType(pj.job.Plan.Task(i).Func()))
	if err != nil {
		pj.mu.Lock()
		if pj.outErr == nil {
			pj.outErr = &cluster.TaskFailure{Task: i, Err: fmt.Errorf("decoding its result: %w", err)}
		}
		pj.mu.Unlock()
		return
	}
	pj.job.SetResult(i, v)
}

func resultType(fn *graph.Function) reflect.Type {
	if fn.Result() != nil {
		return fn.Result()
	}
	return reflect.TypeFor[any]()
}

// TaskDone reports a finished task to the job's observer: its span, with the time it started
// on its worker and its bytes in and out, to a schedulers.SpanObserver.
func (pj *Job) TaskDone(i int32, w int, startNs, elapsedNs, size int64, failure *wire.ErrorRecord) {
	pj.finished.Add(1)
	obs := pj.job.Observer
	if obs == nil {
		return
	}
	var err error
	if failure != nil {
		err = pj.taskError(i, DecodeTaskError(failure), failure.Attempts)
	}
	obs.TaskStarted(i, w)
	span := schedulers.TaskSpan{Task: i, Worker: w, Start: time.Unix(0, startNs), Elapsed: time.Duration(elapsedNs), Err: err}
	if startNs == 0 {
		span.Start = time.Time{}
	}
	if pj.sizes != nil && i >= 0 && int(i) < len(pj.sizes) {
		span.BytesOut = size
		for _, a := range pj.job.Plan.Args(i) {
			span.BytesIn += pj.sizes[a].Load()
		}
		pj.sizes[i].Store(size)
	}
	schedulers.FinishTask(obs, span)
}

// Finished delivers the outcome, with failures named by task key.
func (pj *Job) Finished(err error) {
	pj.mu.Lock()
	if err == nil {
		err = pj.outErr
	}
	pj.mu.Unlock()
	var kept *cluster.Failures
	if errors.As(err, &kept) {
		pj.mu.Lock()
		err = pj.outErr
		pj.mu.Unlock()
		if rerr := pj.record(kept); rerr != nil {
			err = rerr
		}
	}
	var tf *cluster.TaskFailure
	if errors.As(err, &tf) {
		cause, attempts := tf.Err, 0
		if tf.Record != nil {
			cause, attempts = DecodeTaskError(tf.Record), tf.Record.Attempts
		}
		err = schedulers.Failure(pj.ctx, pj.taskError(tf.Task, cause, attempts), int(pj.finished.Load()), pj.job.Plan.Calls())
	}
	pj.done <- err
}

// taskError names task i in its error; attempts is how many times it ran (0 when unknown).
func (pj *Job) taskError(i int32, cause error, attempts int) error {
	t := pj.job.Plan.Task(i)
	name := ""
	if t.Func() != nil {
		name = t.Func().Name()
	}
	return &graph.TaskError{Key: t.Key(), Func: name, Err: cause, Attempts: attempts}
}

// Sent counts bytes sent to workers.
func (pj *Job) Sent(n int64) { pj.job.BytesSent.Add(n) }

// DecodeTaskError rebuilds a task's error sent by a worker (see worker.DecodeTaskError): the
// registered error types keep their identity, a panic becomes a *graph.PanicError with the
// worker's stack, and the error names the worker.
func DecodeTaskError(rec *wire.ErrorRecord) error { return worker.DecodeTaskError(rec) }

// streamKeys is the key of every task's random stream, for the workers (nil when no task has one).
func streamKeys(j *schedulers.Job) [][]byte {
	var keys [][]byte
	for i := range int32(j.Plan.Len()) {
		if k := j.StreamKey(i); k != nil {
			if keys == nil {
				keys = make([][]byte, j.Plan.Len())
			}
			keys[i] = k
		}
	}
	return keys
}

// keeper is the owner of a job with an OnEncodedResult hook: a cluster.Keeper, to which the
// coordinator hands every result that comes back. A job without the hook is not one, so that
// its results are not handed over one by one for nothing.
type keeper struct{ *Job }

var _ cluster.Keeper = keeper{}

// Keep hands a result that came back to the job's OnEncodedResult hook.
func (k keeper) Keep(i int32, v wire.Value) { k.job.OnEncodedResult(i, v) }

var _ cluster.KeptReporter = (*Job)(nil)

// Kept tells the job's OnStored hook, if any, that result i is in the result store already: the
// worker that computed it wrote it there.
func (pj *Job) Kept(i int32) {
	if pj.job.OnStored != nil && i >= 0 && int(i) < pj.job.Plan.Len() {
		pj.job.OnStored(i)
	}
}

// record hands the failed and skipped tasks of a computation that kept going to the job.
func (pj *Job) record(f *cluster.Failures) error {
	n := int32(pj.job.Plan.Len())
	for _, x := range f.Failed {
		if x.Task < 0 || x.Task >= n || pj.job.Plan.IsData(x.Task) {
			return fmt.Errorf("%w: a failure of task %d of %d", errBadReport, x.Task, n)
		}
	}
	for _, x := range f.Skipped {
		if x.Task < 0 || x.Task >= n || x.Cause < 0 || x.Cause >= n {
			return fmt.Errorf("%w: task %d skipped for task %d, of %d", errBadReport, x.Task, x.Cause, n)
		}
	}
	for _, x := range f.Failed {
		cause, attempts := x.Err, 0
		if x.Record != nil {
			cause, attempts = DecodeTaskError(x.Record), x.Record.Attempts
		}
		pj.job.RecordFailure(schedulers.TaskFailure{Task: x.Task, Err: pj.taskError(x.Task, cause, attempts)})
	}
	for _, x := range f.Skipped {
		pj.job.RecordFailure(schedulers.TaskFailure{Task: x.Task, Skipped: true, Cause: x.Cause})
	}
	return nil
}

// errBadReport is matched by the error of a computation whose report of failed tasks names
// tasks it does not have (a scheduler speaking another protocol, or a broken one).
var errBadReport = errors.New("malformed report of failed tasks")

var _ cluster.OutputRelay = (*Job)(nil)

// TaskOutput writes what task i wrote on its worker to the job's standard output and error, each
// line prefixed with the task's key in brackets.
func (pj *Job) TaskOutput(i int32, out []byte) {
	p := pj.job.Plan
	if i < 0 || int(i) >= p.Len() || p.IsData(i) {
		return
	}
	stdout, stderr := pj.job.Stdout, pj.job.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	worker.RelayOutput(out, string(p.Task(i).Key()), stdout, stderr)
}
