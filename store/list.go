package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Entry describes one kept result, as listed by [Store.List].
type Entry struct {
	Name    string    // file name in the store's directory
	Key     string    // the task key ("" if the header is unreadable)
	Size    int64     // bytes on disk
	ModTime time.Time // when it was written or last read
}

// List returns the store's entries, in directory order. Leftover temporary files of killed
// writers are not entries; [Store.Prune] removes them.
func (s *Store) List() ([]Entry, error) {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("result store: %w", err)
	}
	var out []Entry
	for _, de := range des {
		if !isEntry(de.Name()) {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, Entry{Name: de.Name(), Key: readKey(filepath.Join(s.dir, de.Name())),
			Size: fi.Size(), ModTime: fi.ModTime()})
	}
	return out, nil
}

// readKey reads the key from an entry's header without reading the value.
func readKey(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, len(magic)+4)
	if _, err := io.ReadFull(f, head); err != nil || string(head[:len(magic)]) != magic {
		return ""
	}
	n := binary.LittleEndian.Uint32(head[len(magic):])
	if n > 1<<16 {
		return ""
	}
	key := make([]byte, n)
	if _, err := io.ReadFull(f, key); err != nil {
		return ""
	}
	return string(key)
}

// tempAge is how old a temporary file must be before Prune takes it for a killed writer's.
const tempAge = time.Hour

// Prune removes the entries last written or read before cutoff, and temporary files left by
// killed writers older than cutoff and at least an hour old (younger ones may be being written).
// It returns how many files and bytes it removed.
func (s *Store) Prune(cutoff time.Time) (files int, bytes int64, err error) {
	tempCutoff := cutoff
	if limit := time.Now().Add(-tempAge); limit.Before(tempCutoff) {
		tempCutoff = limit
	}
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, 0, fmt.Errorf("result store: %w", err)
	}
	for _, de := range des {
		name := de.Name()
		if !isEntry(name) && !strings.HasPrefix(name, tempPrefix) {
			continue // not ours
		}
		limit := cutoff
		if !isEntry(name) {
			limit = tempCutoff
		}
		fi, ierr := de.Info()
		if ierr != nil || fi.IsDir() || !fi.ModTime().Before(limit) {
			continue
		}
		if rerr := os.Remove(filepath.Join(s.dir, name)); rerr != nil {
			if !errors.Is(rerr, fs.ErrNotExist) && err == nil {
				err = fmt.Errorf("result store: %w", rerr)
			}
			continue
		}
		files++
		bytes += fi.Size()
	}
	return files, bytes, err
}
