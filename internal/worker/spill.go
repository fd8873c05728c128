package worker

import (
	"container/list"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// MemorySink is implemented by sinks that can carry memory reports to the parent; an executor
// with a memory budget sends its reports there.
type MemorySink interface {
	SendMemory(r *MemoryReport) error
}

// stuckPauses is how many checks in a row a paused worker with every value spilled stays paused.
const stuckPauses = 4

// MemoryReportInterval is how often an executor with a budget looks at its memory and reports it.
var MemoryReportInterval = 250 * time.Millisecond

// memState is an executor's memory management: the values it holds in memory, least recently
// used first, and those it spilled to disk. Guarded by the executor's mu.
type memState struct {
	opts     Memory
	lru      list.List // of *heldValue, coldest first
	inMemory map[uint64]*heldValue
	// small are the sizes of the values held too small to spill (below unspilled bytes): they
	// are counted, in smallHeld, but not ordered.
	small   map[uint64]int32
	onDisk  map[uint64]*spilledValue
	pinned  []uint64 // the running task's inputs: not spilled while it runs
	dir     string   // created at the first spill
	dirLock *os.File // held while dir is in use (spilldirs.go); nil without flock
	broken  error    // why spilling stopped working, if it did

	held, spilled, spilledTotal int64 // held: the values that may spill
	smallHeld                   int64
	paused                      bool
	terminated                  bool
	stuckChecks                 int   // checks in a row paused with nothing left to spill
	gaveUp                      bool  // resumed after stuckPauses: no pause until memory falls
	peak                        int64 // highest resident memory seen, when Probe is set
	running                     *graph.Function
	runningKey                  uint64
}

// unspilled is the encoded size below which a value is never spilled: a file of its own would
// cost more than the memory it frees, and ordering it among the others costs two allocations
// and a list's upkeep per value, which a wide graph's million small results felt.
const unspilled = 512

type heldValue struct {
	key  uint64
	typ  reflect.Type
	size int64
	elem *list.Element
}

type spilledValue struct {
	typ      reflect.Type
	typeName string
	path     string
	body     int
	atts     []int // lengths; each starts at an 8-byte boundary after the body
	size     int64
}

// ManageMemory gives the executor a memory budget (see [Memory]). It must be called before Run
// and Apply. A zero Limit leaves memory unmanaged. When values may spill, it first removes the
// spill directories that killed workers left under the spill root ([RemoveStaleSpillDirs]).
func (x *Executor) ManageMemory(m Memory) {
	if m.Limit <= 0 {
		return
	}
	x.mem = &memState{opts: m, inMemory: map[uint64]*heldValue{}, small: map[uint64]int32{}, onDisk: map[uint64]*spilledValue{}}
	if m.Spill >= 0 {
		// Killed workers' spill directories are left behind: remove those of workers gone.
		RemoveStaleSpillDirs(SpillRoot(m.Dir), x.log)
	}
}

// noteHeld records that key's value of static type t, size bytes encoded, is held in memory.
func (x *Executor) noteHeld(key uint64, t reflect.Type, size int64) {
	m := x.mem
	if m == nil {
		return
	}
	x.dropSpilled(key)
	if size < unspilled {
		x.forgetSpillable(key)
		if old, ok := m.small[key]; ok {
			m.smallHeld -= int64(old)
		}
		m.small[key] = int32(size)
		m.smallHeld += size
		return
	}
	x.forgetSmall(key)
	if h := m.inMemory[key]; h != nil {
		m.held += size - h.size
		h.size, h.typ = size, t
		m.lru.MoveToBack(h.elem)
		return
	}
	h := &heldValue{key: key, typ: t, size: size}
	h.elem = m.lru.PushBack(h)
	m.inMemory[key] = h
	m.held += size
}

// forgetHeld forgets key wherever it is kept (released, or replaced by a bad value).
func (x *Executor) forgetHeld(key uint64) {
	m := x.mem
	if m == nil {
		return
	}
	x.forgetSmall(key)
	x.forgetSpillable(key)
	x.dropSpilled(key)
}

func (x *Executor) forgetSmall(key uint64) {
	m := x.mem
	if size, ok := m.small[key]; ok {
		delete(m.small, key)
		m.smallHeld -= int64(size)
	}
}

func (x *Executor) forgetSpillable(key uint64) {
	m := x.mem
	if h := m.inMemory[key]; h != nil {
		m.lru.Remove(h.elem)
		delete(m.inMemory, key)
		m.held -= h.size
	}
}

func (x *Executor) dropSpilled(key uint64) {
	if s := x.mem.onDisk[key]; s != nil {
		delete(x.mem.onDisk, key)
		x.mem.spilled -= s.size
		os.Remove(s.path)
	}
}

// value returns key's value, reading it back from disk when it was spilled. ok is false when the
// key is not held at all; err says why a spilled value could not be read back.
func (x *Executor) value(key uint64) (v any, ok bool, err error) {
	if v, ok := x.values[key]; ok {
		if x.mem != nil {
			if h := x.mem.inMemory[key]; h != nil {
				x.mem.lru.MoveToBack(h.elem)
			}
		}
		return v, true, nil
	}
	if x.mem == nil {
		return nil, false, nil
	}
	s := x.mem.onDisk[key]
	if s == nil {
		return nil, false, nil
	}
	val, err := s.read()
	if err == nil {
		v, err = wire.Decode(val, s.typ)
	}
	if err != nil {
		return nil, true, fmt.Errorf("reading back input %d spilled to %s: %w", key, s.path, err)
	}
	x.values[key] = v
	x.noteHeld(key, s.typ, s.size) // removes the file
	return v, true, nil
}

// spilledPut answers a fetch of a spilled value in the type it was spilled with from the disk,
// without decoding it.
func (x *Executor) spilledPut(key uint64, typeName string) (Put, [][]byte, bool) {
	if x.mem == nil {
		return Put{}, nil, false
	}
	s := x.mem.onDisk[key]
	if s == nil || s.typeName == "" || s.typeName != typeName {
		return Put{}, nil, false
	}
	val, err := s.read()
	if err != nil {
		x.log.Warn("reading back a spilled value", zap.Uint64("key", key), zap.Error(err))
		return Put{}, nil, false
	}
	return Put{Key: key, Type: typeName, Body: val.Body, Attachments: len(val.Attachments)}, val.Attachments, true
}

// pin marks the running task's inputs, which are not spilled while it runs.
func (x *Executor) pin(fn *graph.Function, t *Task) {
	m := x.mem
	if m == nil {
		return
	}
	m.running, m.runningKey = fn, t.Key
	m.pinned = m.pinned[:0]
	for _, a := range t.Args {
		if a.Key != 0 {
			m.pinned = append(m.pinned, a.Key)
		}
	}
}

func (x *Executor) unpin() {
	if m := x.mem; m != nil {
		m.pinned = m.pinned[:0]
		m.running = nil
	}
}

// spill writes the coldest values to disk until those in memory fit the budget (all that are not
// pinned, with all set).
func (x *Executor) spill(all bool) {
	m := x.mem
	if m == nil || m.broken != nil {
		return
	}
	limit := m.opts.spillAt()
	if limit <= 0 {
		return
	}
	if all {
		limit = 0
	}
	e := m.lru.Front()
	for m.held+m.smallHeld > limit && e != nil {
		h := e.Value.(*heldValue)
		e = e.Next()
		if x.isPinned(h.key) {
			continue
		}
		if err := x.spillOne(h); err != nil {
			m.broken = err
			x.log.Warn("spilling values to disk failed; values stay in memory", zap.Error(err))
			return
		}
	}
}

func (x *Executor) isPinned(key uint64) bool {
	for _, k := range x.mem.pinned {
		if k == key {
			return true
		}
	}
	return false
}

func (x *Executor) spillOne(h *heldValue) error {
	m := x.mem
	v := x.values[h.key]
	enc, err := wire.Encode(v, h.typ)
	if err != nil {
		return fmt.Errorf("encoding value %d: %w", h.key, err)
	}
	if m.dir == "" {
		dir, err := os.MkdirTemp(m.opts.Dir, spillDirPrefix+strconv.Itoa(os.Getpid())+"-")
		if err != nil {
			return err
		}
		lock, err := lockSpillDir(dir)
		if err != nil {
			os.Remove(dir)
			return fmt.Errorf("locking the spill directory: %w", err)
		}
		m.dir, m.dirLock = dir, lock
	}
	s := &spilledValue{typ: h.typ, path: filepath.Join(m.dir, strconv.FormatUint(h.key, 16)), body: len(enc.Body)}
	s.typeName, _ = wire.TypeName(h.typ)
	if err := s.write(enc); err != nil {
		os.Remove(s.path)
		return err
	}
	s.size = int64(enc.Size())
	delete(x.values, h.key)
	m.lru.Remove(h.elem)
	delete(m.inMemory, h.key)
	m.held -= h.size
	m.onDisk[h.key] = s
	m.spilled += s.size
	m.spilledTotal += s.size
	return nil
}

func pad8(n int) int { return (n + 7) &^ 7 }

func (s *spilledValue) write(enc wire.Value) error {
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	var zeros [8]byte
	put := func(b []byte) error {
		if _, err := f.Write(b); err != nil {
			return err
		}
		_, err := f.Write(zeros[:pad8(len(b))-len(b)])
		return err
	}
	err = put(enc.Body)
	for _, a := range enc.Attachments {
		if err != nil {
			break
		}
		s.atts = append(s.atts, len(a))
		err = put(a)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spilling to %s: %w", s.path, err)
	}
	return nil
}

// read returns the encoded value from disk; its attachments are 8-byte aligned.
func (s *spilledValue) read() (wire.Value, error) {
	total := pad8(s.body)
	for _, n := range s.atts {
		total += pad8(n)
	}
	f, err := os.Open(s.path)
	if err != nil {
		return wire.Value{}, err
	}
	defer f.Close()
	buf := wire.AlignedBuffer(total)
	if _, err := io.ReadFull(f, buf); err != nil {
		return wire.Value{}, err
	}
	v := wire.Value{Body: buf[:s.body:s.body]}
	off := pad8(s.body)
	for _, n := range s.atts {
		v.Attachments = append(v.Attachments, buf[off:off+n:off+n])
		off += pad8(n)
	}
	return v, nil
}

// mayStart reports whether a task may start now: not while paused (cancelled tasks, which do not
// run, may).
func (x *Executor) mayStart(it *item) bool {
	m := x.mem
	return m == nil || !m.paused || it.release != nil || it.finish != nil || x.cancelled[it.task.Job]
}

// CheckMemory looks at the process's memory: past the pause threshold the executor spills all it
// can and starts no task until memory falls below it again; past the terminate threshold it
// reports that and ends the process. It sends a report to the sink either way. Run calls it
// every MemoryReportInterval; tests call it directly.
func (x *Executor) CheckMemory() {
	m := x.mem
	if m == nil {
		return
	}
	rss, peak := x.probe()
	x.mu.Lock()
	if m.terminated {
		x.mu.Unlock()
		return
	}
	if at := m.opts.terminateAt(); at > 0 && rss >= at {
		m.terminated = true
		rep := x.reportLocked(rss, peak)
		rep.Terminated = true
		x.mu.Unlock()
		x.log.Error("worker memory past its terminate threshold: ending the process",
			zap.Int64("rss", rss), zap.Int64("limit", m.opts.Limit), zap.String("running", rep.Running))
		x.sendMemory(&rep)
		if m.opts.OnTerminate != nil {
			m.opts.OnTerminate()
		} else {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
		return
	}
	at := m.opts.pauseAt()
	pressure := x.pressure(rss)
	// Pausing helps only by spilling: not without it, nor once it has been seen not to help
	// (gaveUp, until memory falls below the threshold).
	pause := at > 0 && pressure >= at && m.opts.spillAt() > 0
	if !pause {
		m.gaveUp = false
	}
	if m.gaveUp {
		pause = false
	}
	if pause && !m.paused && m.held > 0 {
		// Spill everything and collect first: pause only if that is not enough.
		x.spill(true)
		x.mu.Unlock()
		runtime.GC()
		debug.FreeOSMemory()
		rss, peak = x.probe()
		pressure = x.pressure(rss)
		x.mu.Lock()
		pause = pressure >= at
	}
	entering := pause && !m.paused
	if pause {
		if m.paused && (m.held == 0 || m.broken != nil) {
			// Nothing of its own left to spill: the memory is not its values (a task's, the
			// runtime's). Waiting may not make it fall; after stuckPauses checks, go on.
			m.stuckChecks++
			if m.stuckChecks >= stuckPauses {
				pause, m.gaveUp = false, true
				x.log.Warn("worker memory stays past its pause threshold with every value spilled: resuming", zap.Int64("rss", rss), zap.Int64("limit", m.opts.Limit))
			}
		}
		x.spill(true)
	} else {
		m.stuckChecks = 0
	}
	if m.paused && !pause {
		x.wake.Broadcast()
	}
	m.paused = pause
	rep := x.reportLocked(rss, peak)
	x.mu.Unlock()
	if entering {
		x.log.Info("worker memory past its pause threshold: starting no task until it falls", zap.Int64("rss", rss), zap.Int64("limit", m.opts.Limit))
	}
	x.sendMemory(&rep)
}

// pressure is the memory the pause threshold is compared with: resident memory less the Go
// heap's garbage and free space (see inUse), or the test's probe as it is.
func (x *Executor) pressure(rss int64) int64 {
	if x.mem.opts.Probe != nil {
		return rss
	}
	return inUse(rss)
}

func (x *Executor) probe() (rss, peak int64) {
	m := x.mem
	if m.opts.Probe == nil {
		return ResidentMemory()
	}
	rss = m.opts.Probe()
	x.mu.Lock()
	m.peak = max(m.peak, rss)
	peak = m.peak
	x.mu.Unlock()
	return rss, peak
}

// reportLocked describes the executor's memory.
func (x *Executor) reportLocked(rss, peak int64) MemoryReport {
	m := x.mem
	r := MemoryReport{Limit: m.opts.Limit, RSS: rss, PeakRSS: peak, Held: m.held + m.smallHeld, Spilled: m.spilled, SpilledTotal: m.spilledTotal, Paused: m.paused,
		CPU: int64(ProcessCPU())}
	if m.running != nil {
		r.Running = fmt.Sprintf("%s (key %d)", m.running.Name(), m.runningKey)
	}
	return r
}

// MemoryReport returns the executor's memory report now (nil without a budget).
func (x *Executor) MemoryReport() *MemoryReport {
	if x.mem == nil {
		return nil
	}
	rss, peak := x.probe()
	x.mu.Lock()
	defer x.mu.Unlock()
	r := x.reportLocked(rss, peak)
	return &r
}

func (x *Executor) sendMemory(r *MemoryReport) {
	if s, ok := x.sink.(MemorySink); ok {
		if err := s.SendMemory(r); err != nil {
			x.log.Debug("memory report not sent", zap.Error(err))
		}
	}
}

// monitor runs CheckMemory every MemoryReportInterval until stop is closed.
func (x *Executor) monitor(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	x.CheckMemory()
	t := time.NewTicker(MemoryReportInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			x.CheckMemory()
		}
	}
}

var errSpillClosed = fmt.Errorf("the executor stopped")

// closeMemory removes the spill directory.
func (x *Executor) closeMemory() {
	if x.mem == nil {
		return
	}
	x.mu.Lock()
	dir, lock := x.mem.dir, x.mem.dirLock
	x.mem.dir, x.mem.dirLock = "", nil
	x.mem.onDisk = map[uint64]*spilledValue{}
	x.mem.spilled = 0
	x.mem.broken = errSpillClosed
	x.mu.Unlock()
	if dir != "" {
		os.RemoveAll(dir)
	}
	if lock != nil {
		lock.Close()
	}
}
