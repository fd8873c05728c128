package distributed

import (
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// TestLostWorkerNamesHowItDied: a worker with a nanny whose connection breaks is reported with
// the nanny's note (signal, and from its last memory report whether memory likely killed it),
// matchable as worker.OutOfMemoryError and worker.ProcessDeath; without a note, or without a
// nanny, with the connection's error.
func TestLostWorkerNamesHowItDied(t *testing.T) {
	s, err := NewServer(ServerOptions{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := &retireLink{retired: make(chan string, 1)}
	w := &cluster.Worker{Link: l, Name: "w"}
	s.coord.AddWorker(w)
	defer s.coord.WorkerDown(w, errors.New("test over"), false)
	s.coord.Memory(w, &worker.MemoryReport{Limit: 256 << 20, RSS: 250 << 20})
	eof := errors.New("EOF")

	s.deaths.add("10.0.0.2:4000", &worker.ProcessDeath{PID: 42, Code: -1, Signal: syscall.SIGKILL})
	got := s.lostWorker(w, &hello{PID: 42, Nanny: true}, "10.0.0.2:5123", "w", eof)
	var oom *worker.OutOfMemoryError
	var death *worker.ProcessDeath
	if !errors.As(got, &oom) || !errors.As(got, &death) ||
		!strings.Contains(got.Error(), "killed by signal 9 (killed) (likely out of memory: RSS 250.0MiB of limit 256.0MiB)") {
		t.Fatalf("lost worker error %q (%T)", got, got)
	}

	// Another host's process 42 is another process: no note for it.
	s.deaths.add("10.0.0.3:4000", &worker.ProcessDeath{PID: 7, Code: 3})
	if got := s.lostWorker(w, &hello{PID: 7}, "10.0.0.3:1", "w", eof); !errors.Is(got, eof) {
		t.Fatalf("without a nanny: %v", got)
	}
	if got := s.lostWorker(w, &hello{PID: 7, Nanny: true}, "10.0.0.3:1", "w", eof); !strings.Contains(got.Error(), "process 7 exited with status 3") {
		t.Fatalf("with a nanny's note: %v", got)
	}
}
