package distributed

import (
	"errors"
	"os"
	"strings"
)

// ErrSchedulerShutdown is matched by the error of computations whose scheduler shut down (it
// was interrupted or terminated); the error also matches ErrSchedulerGone.
var ErrSchedulerShutdown = errors.New("the scheduler shut down")

// codedError is an error that came over the wire with a code: it matches the code's sentinel and
// reads as the message the scheduler wrote, which usually begins with the sentinel's text already.
type codedError struct {
	sentinel error
	msg      string
}

func (e *codedError) Error() string { return e.msg }
func (e *codedError) Unwrap() error { return e.sentinel }

// remoteError returns msg as an error matching sentinel, without saying the sentinel twice.
func remoteError(sentinel error, msg string) error {
	if !strings.HasPrefix(msg, sentinel.Error()) {
		msg = sentinel.Error() + ": " + msg
	}
	return &codedError{sentinel: sentinel, msg: msg}
}

// looksLikeFile reports whether a scheduler address names a scheduler file: a path, a name ending
// in .json, or an existing file.
func looksLikeFile(address string) bool {
	if strings.HasSuffix(address, ".json") || strings.ContainsRune(address, os.PathSeparator) {
		return true
	}
	info, err := os.Stat(address)
	return err == nil && info.Mode().IsRegular()
}
