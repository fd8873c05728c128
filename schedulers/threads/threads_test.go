package threads_test

import (
	"testing"

	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
	"github.com/lazygraph/lazygraph/schedulers/threads"
)

func TestConformance(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: threads.Name})
}
