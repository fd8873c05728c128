//go:build linux

package dataframe

import (
	"math"
	"os"
	"syscall"
	"unsafe"
)

// mapFile maps a non-empty regular file read-only; ok is false when it
// cannot.
func mapFile(f *os.File) (data []byte, unmap func(), ok bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 || st.Size() > math.MaxInt {
		return nil, nil, false
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}

// releasePages tells the kernel that the whole pages under b, part of a
// read-only file mapping, are not needed now: they leave the process's
// resident memory and are read again from the page cache if touched.
func releasePages(b []byte) {
	if len(b) == 0 {
		return
	}
	page := uintptr(os.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := start &^ (page - 1)
	hi := (start + uintptr(len(b)) + page - 1) &^ (page - 1)
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, syscall.MADV_DONTNEED)
}
