package worker

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/lazygraph/lazygraph/internal/cgroup"
)

// Memory is a worker's memory budget. With a Limit, the worker sets the Go runtime's memory limit
// (GOMEMLIMIT) to it ([ApplyGoLimit]); when the values it holds pass Spill×Limit bytes (their
// encoded sizes), the least recently used are written to a directory of its own on local disk,
// in their encoded form, and read back when a task needs them or the parent or a peer fetches
// them; when the process's resident memory passes Pause×Limit, it starts no new task, spills all
// it can and tells its parent ([MemoryReport.Paused]) until memory falls below that again.
type Memory struct {
	// Limit is the budget in bytes; 0 means none (nothing spills, nothing pauses).
	Limit int64
	// Spill is the fraction of Limit the values held in memory may occupy before the coldest
	// are spilled: 0 means DefaultSpill, a negative value never spills.
	Spill float64
	// Pause is the fraction of Limit of resident memory from which no new task starts: 0 means
	// DefaultPause, a negative value never pauses.
	Pause float64
	// Terminate, when positive, is the fraction of Limit of resident memory at which the worker
	// ends itself (SIGKILL) after reporting it ([MemoryReport.Terminated]), like a kernel OOM
	// kill but named. 0 never terminates.
	Terminate float64
	// Dir is where the worker makes its spill directory (removed when the executor stops);
	// os.TempDir() when empty.
	Dir string
	// Probe returns the process's resident memory in bytes; [ResidentMemory] when nil. Tests
	// replace it.
	Probe func() int64
	// OnTerminate ends the process for Terminate; SIGKILL to itself when nil. Tests replace it.
	OnTerminate func()
}

// Defaults of Memory's fractions, as Dask's worker has them.
const (
	DefaultSpill = 0.6
	DefaultPause = 0.8
)

// Environment variables a worker process reads its memory budget from (MemoryFromEnvironment).
const (
	// EnvMemory is the limit: a size such as 256MB, 2GiB or 1000000000; "0" or "none" for none.
	EnvMemory = "LAZYGRAPH_WORKER_MEMORY"
	// EnvSpill is Memory.Spill as a fraction, or "off" to never spill.
	EnvSpill = "LAZYGRAPH_WORKER_SPILL"
	// EnvPause is Memory.Pause as a fraction, or "off" to never pause.
	EnvPause = "LAZYGRAPH_WORKER_PAUSE"
	// EnvTerminate is Memory.Terminate as a fraction (off by default).
	EnvTerminate = "LAZYGRAPH_WORKER_TERMINATE"
	// EnvSpillDir is Memory.Dir.
	EnvSpillDir = "LAZYGRAPH_WORKER_SPILL_DIR"
)

// ErrOutOfMemory is matched by the error reporting a worker that died for memory: killed by the
// kernel's OOM killer, by the Go runtime's "out of memory", or ended by its own Terminate.
var ErrOutOfMemory = errors.New("worker killed for memory")

// spillAt returns the held bytes from which values spill, 0 when they never do.
func (m *Memory) spillAt() int64 { return m.share(m.Spill, DefaultSpill) }

// pauseAt returns the resident bytes from which no task starts, 0 when never.
func (m *Memory) pauseAt() int64 { return m.share(m.Pause, DefaultPause) }

// share returns fraction f of the limit (def when f is 0), 0 without a limit or when f < 0.
func (m *Memory) share(f, def float64) int64 {
	if m.Limit <= 0 || f < 0 {
		return 0
	}
	if f == 0 {
		f = def
	}
	return int64(f * float64(m.Limit))
}

func (m *Memory) terminateAt() int64 {
	if m.Limit <= 0 || m.Terminate <= 0 {
		return 0
	}
	return int64(m.Terminate * float64(m.Limit))
}

// ParseSize parses a byte size: a number with an optional unit, decimal (KB, MB, GB, TB) or
// binary (KiB, MiB, GiB, TiB, and K, M, G, T), case-insensitive, such as "256MB", "2GiB",
// "1.5G" or "1000000".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) && r != 'e' && r != 'E' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(t[:i]), strings.ToLower(strings.TrimSpace(t[i:]))
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("size %q: not a number of bytes (such as 256MB or 2GiB)", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("size %q: unknown unit %q (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, unit)
	}
	if v*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(v * mult), nil
}

// parseFraction parses a fraction of the limit, or "off" (returned as -1).
func parseFraction(name, s string) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return 0, nil
	case "off", "false", "no", "never":
		return -1, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f <= 0 || math.IsNaN(f) || f > 10 {
		return 0, fmt.Errorf("%s=%q: want a fraction of the memory limit such as 0.6, or off", name, s)
	}
	return f, nil
}

// MemoryFromEnvironment reads a worker's budget from the environment (EnvMemory and the others).
// Without EnvMemory the limit is a share of the machine's memory: TotalMemory()/share (share
// being the number of workers on this machine; 1 when not positive).
func MemoryFromEnvironment(share int) (Memory, error) {
	var m Memory
	switch s := strings.TrimSpace(os.Getenv(EnvMemory)); strings.ToLower(s) {
	case "":
		m.Limit = TotalMemory() / int64(max(share, 1))
	case "none", "off":
	default:
		n, err := ParseSize(s)
		if err != nil {
			return Memory{}, fmt.Errorf("%s: %w", EnvMemory, err)
		}
		m.Limit = n
	}
	var err error
	if m.Spill, err = parseFraction(EnvSpill, os.Getenv(EnvSpill)); err != nil {
		return Memory{}, err
	}
	if m.Pause, err = parseFraction(EnvPause, os.Getenv(EnvPause)); err != nil {
		return Memory{}, err
	}
	if m.Terminate, err = parseFraction(EnvTerminate, os.Getenv(EnvTerminate)); err != nil {
		return Memory{}, err
	}
	m.Dir = os.Getenv(EnvSpillDir)
	return m, nil
}

// ApplyGoLimit sets the Go runtime's soft memory limit (GOMEMLIMIT) to m.Limit, unless the
// GOMEMLIMIT environment variable set one already. It affects the whole process: transports call
// it in worker processes.
func ApplyGoLimit(m Memory) {
	if m.Limit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(m.Limit)
	}
}

// TotalMemory returns the memory this process may use at most: the machine's (MemTotal), or its
// cgroup's limit when smaller. 0 when unknown.
func TotalMemory() int64 {
	total := meminfoTotal()
	if cg, ok := cgroup.Of(0); ok {
		if n := cg.Limit(); n > 0 && (total == 0 || n < total) {
			total = n
		}
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			total = n
		}
	}
	return total
}

func meminfoTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			return kbField(v)
		}
	}
	return 0
}

// kbField parses "   1234 kB".
func kbField(v string) int64 {
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return 0
	}
	n, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return 0
	}
	return n << 10
}

// ResidentMemory returns this process's resident memory now and at its highest (VmRSS and
// VmHWM of /proc/self/status), 0 where unknown.
func ResidentMemory() (now, peak int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			now = kbField(v)
		} else if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peak = kbField(v)
		}
	}
	return now, peak
}

// FormatSize writes a byte count for people: 268435456 is "256.0MiB".
func FormatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f%ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// OutOfMemoryError reports a worker that died for memory. It matches ErrOutOfMemory.
type OutOfMemoryError struct {
	Worker string // such as "pid 4242"
	How    string // "killed by the kernel's OOM killer", say
	RSS    int64  // its resident memory at its last report, 0 when it sent none
	Limit  int64  // its budget, 0 when none or unknown
	Task   string // the task it was running, when known
	Err    error  // how the process ended, when known
	// CgroupLimit is the memory limit of the worker's cgroup when the kernel's OOM killer
	// killed it, 0 when none or unknown.
	CgroupLimit int64
}

func (e *OutOfMemoryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "worker %s was killed for memory (%s)", e.Worker, e.How)
	if e.Task != "" {
		fmt.Fprintf(&b, " while running task %s", e.Task)
	}
	if e.RSS > 0 {
		fmt.Fprintf(&b, "; its resident memory was %s at its last report", FormatSize(e.RSS))
	} else {
		b.WriteString("; it sent no memory report")
	}
	if e.Limit > 0 {
		fmt.Fprintf(&b, " (limit %s, $%s)", FormatSize(e.Limit), EnvMemory)
	}
	if e.CgroupLimit > 0 {
		fmt.Fprintf(&b, "; its cgroup's memory limit is %s", FormatSize(e.CgroupLimit))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrOutOfMemory) hold.
func (e *OutOfMemoryError) Is(target error) bool { return target == ErrOutOfMemory }

// Unwrap returns how the process ended.
func (e *OutOfMemoryError) Unwrap() error { return e.Err }

// goMemory reads what the pause decision subtracts from resident memory: heap garbage not yet
// collected (objects minus the live heap at the last collection) and free heap not yet returned
// to the system. With GOMEMLIMIT the runtime lets both grow up to the limit before it collects,
// so resident memory alone would say "full" when it is not.
var goMemory = struct {
	sync.Mutex
	samples []metrics.Sample
}{samples: []metrics.Sample{
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/gc/heap/live:bytes"},
	{Name: "/memory/classes/heap/free:bytes"},
}}

// inUse returns resident memory less the Go heap's garbage and free space.
func inUse(rss int64) int64 {
	goMemory.Lock()
	defer goMemory.Unlock()
	s := goMemory.samples
	metrics.Read(s)
	var v [3]int64
	for k := range s {
		if s[k].Value.Kind() == metrics.KindUint64 {
			v[k] = int64(s[k].Value.Uint64())
		}
	}
	garbage := max(v[0]-v[1], 0)
	return max(rss-garbage-v[2], 0)
}
