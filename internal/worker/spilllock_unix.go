//go:build unix

package worker

import (
	"os"
	"syscall"
)

// lockSpillDir takes a shared lock on dir that lasts until the returned file is closed or the
// process dies, however it dies.
func lockSpillDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// spillDirLocked reports whether a live process holds dir's lock.
func spillDirLocked(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	return err != nil // held by its worker, or not lockable: leave it
}
