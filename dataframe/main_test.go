package dataframe

import (
	"os"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// TestMain lets the test binary serve as a worker process of the
// processes scheduler, which the lazy-frame and wire tests use.
func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	code := m.Run()
	processes.Close()
	os.Exit(code)
}
