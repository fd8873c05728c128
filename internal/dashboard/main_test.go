package dashboard_test

import (
	"os"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// TestMain lets the test binary serve as a worker process of the processes and distributed
// schedulers, whose computations the dashboard follows too.
func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	code := m.Run()
	processes.Close()
	os.Exit(code)
}
