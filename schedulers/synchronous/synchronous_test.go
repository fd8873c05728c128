package synchronous_test

import (
	"testing"

	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
	"github.com/lazygraph/lazygraph/schedulers/synchronous"
)

func TestConformance(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: synchronous.Name, Sequential: true})
}
