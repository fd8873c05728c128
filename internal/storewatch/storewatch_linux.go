// Package storewatch counts, for tests, the files every process creates in a result store's
// directory (package store), so that a test can tell how often each entry was written: each
// write (store.Store.PutEntry) creates one temporary file, whether or not it wins, and a winning
// write then creates the entry's name. It watches with inotify, so it sees the writes of worker
// processes as well as the test's own. Linux only.
package storewatch

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"unsafe"

	"github.com/lazygraph/lazygraph/store"
)

// Watcher watches one directory from New until Close.
type Watcher struct {
	fd  int
	buf []byte
}

// New starts watching dir for files created in it.
func New(dir string) (*Watcher, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("storewatch: inotify: %w", err)
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CREATE|syscall.IN_MOVED_TO); err != nil {
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("storewatch: watching %s: %w", dir, err)
	}
	return &Watcher{fd: fd, buf: make([]byte, 64<<10)}, nil
}

// Counts are the files created in the directory since the last call (or New).
type Counts struct {
	// Writes counts the temporary files created: one per write of an entry, won or lost.
	Writes int
	// Entries counts each entry name created (a write that won), by file name.
	Entries map[string]int
	// Probes counts the probe files clients made (store.NewProbe).
	Probes int
}

// Read returns what was created since the last Read. Every file created before the call is
// counted: inotify queues an event as the file is made.
func (w *Watcher) Read() (Counts, error) {
	c := Counts{Entries: map[string]int{}}
	for {
		n, err := syscall.Read(w.fd, w.buf)
		if errors.Is(err, syscall.EAGAIN) {
			return c, nil
		}
		if err != nil {
			return c, fmt.Errorf("storewatch: %w", err)
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&w.buf[off]))
			if ev.Mask&syscall.IN_Q_OVERFLOW != 0 {
				return c, errors.New("storewatch: inotify queue overflowed; counts are incomplete")
			}
			name := strings.TrimRight(string(w.buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)]), "\x00")
			switch {
			case strings.HasPrefix(name, store.ProbePrefix):
				c.Probes++
			case strings.HasPrefix(name, ".tmp-"):
				c.Writes++
			case name != "":
				c.Entries[name]++
			}
			off += syscall.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

// Close stops watching.
func (w *Watcher) Close() error { return syscall.Close(w.fd) }
