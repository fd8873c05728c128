package graph

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The registry maps stable names to the functions registered while packages were initialised.
// Worker processes run the same binary, so they run the same package initialisers in the same
// order and end up with the same names for the same functions; that is what lets a parent send a
// task to a worker as a name plus arguments.
var registry struct {
	mu     sync.Mutex
	byName map[string]registration
}

type registration struct {
	fn       *Function
	identity unsafe.Pointer
}

// initOver is set once registration is seen happening outside package initialisation (or
// [EndPackageInit] is called); from then on no stack needs to be inspected.
var initOver atomic.Bool

// register records f under its name when called during package initialisation and marks it
// portable. explicit says the name was chosen by the user rather than derived from the symbol.
func register(f *Function, impl any, explicit bool) *Function {
	if !inPackageInit() {
		return f
	}
	identity := closureIdentity(impl)
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.byName == nil {
		registry.byName = make(map[string]registration)
	}
	name := f.name
	if prev, taken := registry.byName[name]; taken {
		if prev.identity == identity {
			f.portable = true
			return f
		}
		if explicit {
			f.err = &DuplicateNameError{Name: name}
			return f
		}
		// The same code with other captured values (two closures from one function literal):
		// number them in registration order, which every process of this binary repeats.
		for n := 2; ; n++ {
			candidate := fmt.Sprintf("%s#%d", name, n)
			if prev, taken := registry.byName[candidate]; !taken || prev.identity == identity {
				name = candidate
				break
			}
		}
		f.name = name
	}
	registry.byName[name] = registration{fn: f, identity: identity}
	f.portable = true
	return f
}

// Lookup returns the function registered under name during package initialisation.
func Lookup(name string) (*Function, bool) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	r, ok := registry.byName[name]
	return r.fn, ok
}

// RegisteredNames returns the names of all registered functions, sorted.
func RegisteredNames() []string {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	names := make([]string, 0, len(registry.byName))
	for name := range registry.byName {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// EndPackageInit declares that package initialisation is over: functions wrapped from now on are
// not portable to worker processes. The worker entry point calls it; calling it is never needed
// for correctness, only to make the boundary explicit.
func EndPackageInit() { initOver.Store(true) }

// inPackageInit reports whether the caller runs inside a package initialiser, by looking for the
// runtime's initialisation frames on the stack. Once a call from outside initialisation is seen,
// the answer is false for good and costs nothing.
func inPackageInit() bool {
	if initOver.Load() {
		return false
	}
	var pcs [256]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		frame, more := frames.Next()
		if strings.HasPrefix(frame.Function, "runtime.doInit") {
			return true
		}
		if !more {
			break
		}
	}
	if n < len(pcs) {
		initOver.Store(true)
	}
	return false
}

// closureIdentity returns the address of the closure record behind a function value. Two values
// of the same named function share it; two closures made by the same function literal with
// different captured variables do not, although their code pointers are equal.
func closureIdentity(impl any) unsafe.Pointer {
	if impl == nil {
		return nil
	}
	// An interface holding a func value stores the closure pointer itself as its data word.
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&impl))[1]
}
