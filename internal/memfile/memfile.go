// Package memfile holds large values in Linux memory files (memfd), which can be passed to
// another process over a unix socket and mapped there instead of copied through the socket.
package memfile

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Threshold is the size from which passing a memory file beats copying through a socket.
const Threshold = 1 << 20

// Create returns a memory file holding data, written with pwrite: the kernel allocates its pages
// as it copies, which is faster than faulting them in through a mapping.
func Create(data []byte) (int, error) {
	fd, err := unix.MemfdCreate("lazygraph-value", unix.MFD_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("memfd_create: %w", err)
	}
	for off := 0; off < len(data); {
		n, err := unix.Pwrite(fd, data[off:min(len(data), off+1<<30)], int64(off))
		if err != nil {
			unix.Close(fd)
			return -1, fmt.Errorf("memfd write: %w", err)
		}
		off += n
	}
	return fd, nil
}

// Close closes a memory file's descriptor.
func Close(fd int) { unix.Close(fd) }

// Dup duplicates a descriptor.
func Dup(fd int) (int, error) { return unix.Dup(fd) }

// size checks that the file holds at least n bytes.
func size(fd, n int) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("memfd stat: %w", err)
	}
	if st.Size < int64(n) {
		return fmt.Errorf("memory file of %d bytes, %d announced", st.Size, n)
	}
	return nil
}

// Map maps the first n bytes of a memory file privately: reads share the sender's pages, and
// writes make the writer its own copy of the page, as a forked child gets. Unmap it when done.
func Map(fd, n int) ([]byte, error) {
	if err := size(fd, n); err != nil {
		return nil, err
	}
	if n == 0 {
		return []byte{}, nil
	}
	m, err := unix.Mmap(fd, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("memfd map: %w", err)
	}
	return m, nil
}

// Unmap unmaps what Map returned.
func Unmap(m []byte) {
	if len(m) > 0 {
		unix.Munmap(m)
	}
}

// Read copies the first len(buf) bytes of a memory file into buf.
func Read(fd int, buf []byte) error {
	if err := size(fd, len(buf)); err != nil {
		return err
	}
	for off := 0; off < len(buf); {
		n, err := unix.Pread(fd, buf[off:], int64(off))
		if err != nil {
			return fmt.Errorf("memfd read: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("memory file ended after %d of %d bytes", off, len(buf))
		}
		off += n
	}
	return nil
}
