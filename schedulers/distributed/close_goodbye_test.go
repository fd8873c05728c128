package distributed_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// TestServerCloseSaysGoodbye: Server.Close (the Go API, not only the scheduler command's
// graceful Shutdown) tells its peers: a client's error names the shutdown (ErrSchedulerShutdown,
// not a lost connection) and a worker connected by address exits 0 at once instead of retrying
// until its connect timeout. Before, the client got "scheduler gone: EOF" and the worker kept
// retrying for a minute.
func TestServerCloseSaysGoodbye(t *testing.T) {
	s, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w := exec.Command(os.Args[0], "-test.run=^$")
	w.Env = append(os.Environ(), schedulers.EnvWorkerRole+"="+distributed.Name,
		distributed.EnvAddress+"="+s.Address(), distributed.EnvToken+"="+s.Token())
	w.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = w.Wait(); close(exited) }()
	t.Cleanup(func() {
		w.Process.Kill()
		<-exited
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitForWorkers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cl, err := distributed.Connect(ctx, s.Address(), distributed.ClientOptions{Token: s.Token()})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Fatalf("the worker told to stop exited with %v, want 0", waitErr)
		}
	case <-time.After(30 * time.Second): // a hang guard: the worker's connect timeout is 60 s
		t.Fatal("the worker did not exit after the scheduler's goodbye")
	}
	for cl.Err() == nil {
		select {
		case <-ctx.Done():
			t.Fatal("the client did not notice the scheduler closing")
		case <-time.After(10 * time.Millisecond):
		}
	}
	if !errors.Is(cl.Err(), distributed.ErrSchedulerShutdown) || !strings.Contains(cl.Err().Error(), "closed") {
		t.Fatalf("client error %q, want ErrSchedulerShutdown naming the close", cl.Err())
	}
}
