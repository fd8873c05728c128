package distributed_test

import (
	"os"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	code := m.Run()
	distributed.Close()
	os.Exit(code)
}

func TestConformanceLocalCluster(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: distributed.Name, Workers: 2})
}
