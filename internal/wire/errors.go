package wire

import (
	"reflect"
	"strconv"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
)

// ErrorRecord is an error as it travels between processes: its message, and every registered
// error found in its chain (so errors.Is and errors.As still find them on the other side).
type ErrorRecord struct {
	Message string         `msgpack:"m"`
	Chain   []EncodedError `msgpack:"c,omitempty"`
	Top     bool           `msgpack:"t,omitempty"` // Chain[0] is the error itself, not wrapped
	Panic   bool           `msgpack:"p,omitempty"` // the error is a recovered panic
	Stack   []byte         `msgpack:"s,omitempty"` // the panicking goroutine's stack
	// PanicError says the panic value was an error: Chain and Top describe that error, so
	// that the receiver can rebuild the panic with the error itself as its value.
	PanicError bool `msgpack:"pe,omitempty"`
	// Worker names the process the error happened in (host and pid), for the receiver's
	// message.
	Worker string `msgpack:"w,omitempty"`
	// Attempts is how many times the task ran on its worker (its function's retries); 0 when
	// unknown.
	Attempts int `msgpack:"n,omitempty"`
}

// EncodedError is one registered error of a chain.
type EncodedError struct {
	Name string `msgpack:"n"`
	Data []byte `msgpack:"d,omitempty"`
}

// RemoteError is an error that happened in another process and whose type is not registered
// here (or that wraps registered errors): it keeps the message, and Unwrap returns the registered
// errors of its chain.
type RemoteError struct {
	Message string
	Wrapped []error
}

func (e *RemoteError) Error() string { return e.Message }

// Unwrap returns the registered errors found in the original chain.
func (e *RemoteError) Unwrap() []error { return e.Wrapped }

var errorRegistry = struct {
	sync.RWMutex
	types     map[string]reflect.Type // error types whose values travel field by field
	sentinels map[string]error        // error values that travel by identity
	names     map[error]string
}{types: map[string]reflect.Type{}, sentinels: map[string]error{}, names: map[error]string{}}

func init() {
	// lazygraph's own errors keep their identity across processes too.
	RegisterError(ErrMalformedValue)
	RegisterError(ErrUnencodable)
	RegisterError(ErrUnregisteredType)
	RegisterError(&UnregisteredTypeError{})
}

// RegisterError makes errors like example keep their identity across processes. A pointer to a
// named struct type (such as *MyError) registers the type: such errors travel with their exported
// fields and errors.As finds them on the other side. Any other error value (such as one made by
// errors.New) registers that value: errors.Is finds it on the other side. Register at package
// initialisation, in the same order in every process of the program.
func RegisterError(example error) {
	if example == nil {
		return
	}
	errorRegistry.Lock()
	defer errorRegistry.Unlock()
	t := reflect.TypeOf(example)
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem().Name() != "" &&
		t.Elem().PkgPath() != "errors" && t.Elem().PkgPath() != "fmt" {
		name, err := typeNameOf(t)
		if err == nil {
			errorRegistry.types[name] = t
			return
		}
	}
	if _, done := errorRegistry.names[example]; done {
		return
	}
	name := "sentinel:" + strconv.Itoa(len(errorRegistry.sentinels)) + ":" + example.Error()
	errorRegistry.sentinels[name] = example
	errorRegistry.names[example] = name
}

// EncodeError describes err for another process.
func EncodeError(err error) ErrorRecord {
	rec := ErrorRecord{Message: err.Error()}
	errorRegistry.RLock()
	defer errorRegistry.RUnlock()
	seen := 0
	var walk func(e error, top bool)
	walk = func(e error, top bool) {
		if e == nil || seen > 64 {
			return
		}
		seen++
		if enc, ok := encodeRegistered(e); ok {
			if top {
				rec.Top = true
			}
			rec.Chain = append(rec.Chain, enc)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), false)
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner, false)
			}
		}
	}
	walk(err, true)
	return rec
}

func encodeRegistered(e error) (EncodedError, bool) {
	if comparable(e) {
		if name, ok := errorRegistry.names[e]; ok {
			return EncodedError{Name: name}, true
		}
	}
	t := reflect.TypeOf(e)
	name, err := typeNameOf(t)
	if err != nil {
		return EncodedError{}, false
	}
	if _, ok := errorRegistry.types[name]; !ok {
		return EncodedError{}, false
	}
	data, err := msgpack.Marshal(e)
	if err != nil {
		return EncodedError{}, false
	}
	return EncodedError{Name: name, Data: data}, true
}

func comparable(e error) bool {
	return reflect.TypeOf(e).Comparable()
}

// DecodeError rebuilds the error described by rec: a registered error itself when it was the
// error returned, otherwise a *[RemoteError] carrying the message and the registered errors of
// its chain. It never panics.
func DecodeError(rec ErrorRecord) error {
	errorRegistry.RLock()
	defer errorRegistry.RUnlock()
	var chain []error
	for _, enc := range rec.Chain {
		if e := decodeRegistered(enc); e != nil {
			chain = append(chain, e)
		}
	}
	if rec.Top && len(chain) > 0 && len(chain) == len(rec.Chain) {
		if chain[0].Error() == rec.Message {
			return chain[0]
		}
	}
	return &RemoteError{Message: rec.Message, Wrapped: chain}
}

func decodeRegistered(enc EncodedError) (result error) {
	defer func() {
		if recover() != nil {
			result = nil
		}
	}()
	if e, ok := errorRegistry.sentinels[enc.Name]; ok {
		return e
	}
	t, ok := errorRegistry.types[enc.Name]
	if !ok {
		return nil
	}
	// Structure-checked first, as every body is: msgpack sizes what it allocates from the lengths
	// the bytes announce (a fuzzer's workers grew by gigabytes on hostile error data).
	if checkStructure(enc.Data) != nil {
		return nil
	}
	ptr := reflect.New(t.Elem())
	if err := msgpack.Unmarshal(enc.Data, ptr.Interface()); err != nil {
		return nil
	}
	e, _ := ptr.Interface().(error)
	return e
}
