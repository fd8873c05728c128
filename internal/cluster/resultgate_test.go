package cluster

import (
	"testing"
	"time"
)

func TestResultGateWaitsWhileTooManyArePending(t *testing.T) {
	var g resultGate
	stopped := make(chan struct{})
	if !g.enter(maxPendingResults+1, stopped) {
		t.Fatal("the first results waited")
	}
	entered := make(chan bool, 1)
	go func() { entered <- g.enter(10, stopped) }()
	select {
	case <-entered:
		t.Fatal("results entered while too many were pending")
	case <-time.After(50 * time.Millisecond):
	}
	g.leave(maxPendingResults + 1)
	if ok := <-entered; !ok {
		t.Fatal("waiting results were refused")
	}
	if !g.enter(maxPendingResults, stopped) {
		t.Fatal("results refused below the bound")
	}
	go func() { entered <- g.enter(1, stopped) }()
	close(stopped)
	if ok := <-entered; ok {
		t.Error("results entered after the coordinator stopped")
	}
}
