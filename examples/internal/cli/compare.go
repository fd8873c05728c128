package cli

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers"
)

// The examples that compare schedulers (loadbalance, bigshared) take a list of them and a worker
// count instead of AddFlags' flags.

// SchedulerList returns the schedulers named by a comma-separated -schedulers flag. An empty
// flag means $LAZYGRAPH_SCHEDULER if that is set, else fallback. An unknown name is a usage
// error listing the known ones.
func SchedulerList(flagValue string, fallback []string) ([]string, error) {
	if strings.TrimSpace(flagValue) == "" {
		env := strings.TrimSpace(os.Getenv(delayed.EnvScheduler))
		if env == "" {
			return fallback, nil
		}
		flagValue = env
	}
	known := schedulers.Names()
	var list []string
	for name := range strings.SplitSeq(flagValue, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(known, name) {
			return nil, Usagef("-schedulers: unknown scheduler %q; known schedulers are %s", name, strings.Join(known, ", "))
		}
		if !slices.Contains(list, name) {
			list = append(list, name)
		}
	}
	return list, nil
}

// Workers returns the number of workers for a -workers flag: the flag if it is positive, else
// (for 0) $LAZYGRAPH_WORKERS if set, else one per core (GOMAXPROCS) — the rule lazygraph itself
// follows. Examples that plan around the worker count (an ideal makespan, a static split) need it
// in advance.
func Workers(flagValue int) (int, error) {
	switch {
	case flagValue > 0:
		return flagValue, nil
	case flagValue < 0:
		return 0, Usagef("-workers %d: want at least 1 (or 0 for the configured number)", flagValue)
	}
	if v := strings.TrimSpace(os.Getenv(delayed.EnvWorkers)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%s=%q: want a whole number of at least 1", delayed.EnvWorkers, v)
		}
		return n, nil
	}
	return runtime.GOMAXPROCS(0), nil
}
