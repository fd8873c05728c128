package delayed

import (
	"reflect"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// RegisterError makes errors like example keep their identity when they come back from worker
// processes, so that errors.Is and errors.As work as they do on the local schedulers. A pointer
// to a struct type (such as &MyError{}) registers the type; any other error value (such as a
// sentinel made by errors.New) registers that value. Call it at package initialisation. Errors of
// unregistered types still come back, with their message.
func RegisterError(example error) { wire.RegisterError(example) }

// RegisterType lets values of T's type travel to worker processes in interface-typed parameters
// (any, or an interface of yours). Parameter and result types of wrapped functions are
// registered already. Call it at package initialisation.
func RegisterType[T any]() { wire.RegisterType(reflect.TypeFor[T]()) }
