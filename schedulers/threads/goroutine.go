package threads

import "runtime"

// goroutineID returns the running goroutine's id, read from the first line of its stack trace
// ("goroutine 42 [running]:"). Go deliberately offers no goroutine-local storage; this is used
// only to recognise a Compute called from inside one of our own tasks, once per computation.
func goroutineID() uint64 {
	var buf [32]byte
	n := runtime.Stack(buf[:], false)
	const prefix = len("goroutine ")
	var id uint64
	for _, c := range buf[prefix:n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
