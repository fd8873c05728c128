// Package buildid identifies the program a process runs, so that a parent or a scheduler can
// refuse a worker built from different code.
package buildid

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
)

var self struct {
	once sync.Once
	id   string
	err  error
}

// Self returns the identity of the running executable: the Go build ID recorded in it, or a
// hash of the file when it has none. It is computed once.
func Self() (string, error) {
	self.once.Do(func() {
		path, err := os.Executable()
		if err != nil {
			self.err = fmt.Errorf("build id: %w", err)
			return
		}
		self.id, self.err = Of(path)
	})
	return self.id, self.err
}

// Of returns the identity of the executable at path.
func Of(path string) (string, error) {
	if id, ok := goBuildID(path); ok {
		return "go:" + id, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("build id: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("build id: %w", err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// goBuildID reads the note the Go linker writes into ELF executables.
func goBuildID(path string) (string, bool) {
	f, err := elf.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return "", false
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return "", false
	}
	// An ELF note: name size, description size, type, name "Go\x00\x00", description.
	nameSize := f.ByteOrder.Uint32(data[0:4])
	descSize := f.ByteOrder.Uint32(data[4:8])
	if nameSize != 4 || !bytes.Equal(data[12:16], []byte("Go\x00\x00")) || int(16+descSize) > len(data) {
		return "", false
	}
	return string(data[16 : 16+descSize]), true
}
