package schedulers

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ErrUnknownScheduler is matched by the error for a scheduler name nobody registered.
var ErrUnknownScheduler = errors.New("unknown scheduler")

var registry struct {
	mu     sync.RWMutex
	byName map[string]Scheduler
}

// Register makes a scheduler available by name. It is meant to be called from the scheduler
// package's init function and panics if the name is empty, s is nil, or the name is taken:
// those are mistakes in the program, found the first time it starts.
func Register(name string, s Scheduler) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if name == "" || s == nil {
		panic("schedulers: Register needs a name and a scheduler")
	}
	if _, dup := registry.byName[name]; dup {
		panic("schedulers: Register called twice for " + name)
	}
	if registry.byName == nil {
		registry.byName = make(map[string]Scheduler)
	}
	registry.byName[name] = s
}

// Lookup returns the scheduler registered under name. The error for an unknown name matches
// [ErrUnknownScheduler] and lists the known names.
func Lookup(name string) (Scheduler, error) {
	registry.mu.RLock()
	s, ok := registry.byName[name]
	registry.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q: known schedulers are %s", ErrUnknownScheduler, name, strings.Join(Names(), ", "))
	}
	return s, nil
}

// Names returns the registered scheduler names, sorted.
func Names() []string {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	names := make([]string, 0, len(registry.byName))
	for name := range registry.byName {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
