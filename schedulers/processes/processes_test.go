package processes_test

import (
	"os"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/processes"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	code := m.Run()
	processes.Close()
	os.Exit(code)
}

func TestConformance(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: processes.Name, Workers: 2})
}
