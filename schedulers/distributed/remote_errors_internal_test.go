package distributed

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

func TestRemoteErrorsSayThingsOnce(t *testing.T) {
	cases := []struct {
		m        finished
		sentinel error
	}{
		{finished{Failed: true, Task: -1, Code: codeNoWorkers, Message: ErrNoWorkers.Error() + ": the 2 connected workers were built from a program whose functions differ"}, ErrNoWorkers},
		{finished{Failed: true, Task: -1, Code: codeClosed, Message: cluster.ErrClosed.Error()}, cluster.ErrClosed},
		{finished{Failed: true, Task: 3, Code: codeWorkerDied, Message: cluster.ErrWorkerDied.Error() + " 3 times while running it"}, cluster.ErrWorkerDied},
		{finished{Failed: true, Task: -1, Code: codeNoWorkers, Message: "nobody home"}, ErrNoWorkers},
	}
	for _, c := range cases {
		err := finishedError(&c.m)
		if !errors.Is(err, c.sentinel) {
			t.Errorf("%q does not match %v", err, c.sentinel)
		}
		if n := strings.Count(err.Error(), c.sentinel.Error()); n != 1 {
			t.Errorf("%q says %q %d times", err, c.sentinel, n)
		}
	}
}

func TestMissingSchedulerFileIsReportedAsMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "scheduler")
	for _, address := range []string{missing, missing + ".json"} {
		_, err := Connect(context.Background(), address, ClientOptions{})
		if err == nil || !strings.Contains(err.Error(), address) || strings.Contains(err.Error(), "token") {
			t.Errorf("Connect(%s) = %v; want an error naming the missing file, not the token", address, err)
		}
	}
	if _, err := Connect(context.Background(), "schedulerfile", ClientOptions{}); err == nil || strings.Contains(err.Error(), "token") {
		t.Errorf("Connect(schedulerfile) = %v; want an error saying it is neither an address nor a file", err)
	}
}
