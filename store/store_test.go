package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/store"
)

func value(n int) wire.Value {
	v := wire.Value{Body: bytes.Repeat([]byte{0xab}, n)}
	v.Attachments = [][]byte{bytes.Repeat([]byte{1, 2, 3}, n)}
	return v
}

func TestPutGet(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "new", "dir"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Get("k"); ok {
		t.Fatal("found an entry in an empty store")
	}
	want := value(100)
	if won, err := s.Put("k", want); err != nil || !won {
		t.Fatalf("Put: %v, %v", won, err)
	}
	got, ok := s.Get("k")
	if !ok || !bytes.Equal(got.Body, want.Body) || len(got.Attachments) != 1 || !bytes.Equal(got.Attachments[0], want.Attachments[0]) {
		t.Fatalf("Get returned %v, %v", got, ok)
	}
	if won, err := s.Put("k", value(3)); err != nil || won {
		t.Fatalf("a second Put of one key: %v, %v; want false: the first writer wins", won, err)
	}
	entries, err := s.List()
	if err != nil || len(entries) != 1 || entries[0].Key != "k" || entries[0].Name != store.EntryName("k") {
		t.Fatalf("List: %+v, %v", entries, err)
	}
}

func TestCorruptEntries(t *testing.T) {
	damages := map[string]func([]byte) []byte{
		"flipped byte":  func(b []byte) []byte { b[len(b)/3] ^= 1; return b },
		"flipped sum":   func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"truncated":     func(b []byte) []byte { return b[:len(b)-1] },
		"half":          func(b []byte) []byte { return b[:len(b)/2] },
		"empty":         func([]byte) []byte { return nil },
		"trailing junk": func(b []byte) []byte { return append(b, 0) },
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			core, logs := observer.New(zap.WarnLevel)
			s, err := store.Open(t.TempDir(), zap.New(core))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Put("key", value(50)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(s.Dir(), store.EntryName("key"))
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, damage(b), 0o666); err != nil {
				t.Fatal(err)
			}
			if v, ok := s.Get("key"); ok {
				t.Fatalf("a damaged entry was returned: %d bytes", v.Size())
			}
			if logs.Len() != 1 {
				t.Fatalf("want one warning, got %v", logs.All())
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the damaged entry was not removed: %v", err)
			}
		})
	}
}

func TestEntryOfAnotherKeyIsNotReturned(t *testing.T) {
	s, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put("a", value(5)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(s.Dir(), store.EntryName("a")), filepath.Join(s.Dir(), store.EntryName("b"))); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Get("b"); ok {
		t.Fatal("an entry holding key a was returned for key b")
	}
}

// TestRacingWriters has two writers put the same key at once, through two Stores on one
// directory (as two processes would), while a reader reads it: exactly one writer wins, and the
// reader sees either nothing or a whole entry.
func TestRacingWriters(t *testing.T) {
	dir := t.TempDir()
	sizes := [2]int{value(20000).Size(), value(20001).Size()}
	for round := range 50 {
		key := fmt.Sprintf("key-%d", round)
		var (
			wg   sync.WaitGroup
			wins [2]bool
			errs [2]error
			bad  error
		)
		reader, err := store.Open(dir, zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		for w := range 2 {
			s, err := store.Open(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			wg.Go(func() { wins[w], errs[w] = s.Put(key, value(20000+w)) })
		}
		wg.Go(func() {
			for range 20 {
				if v, ok := reader.Get(key); ok && v.Size() != sizes[0] && v.Size() != sizes[1] {
					bad = fmt.Errorf("a reader saw a partial entry of %d bytes", v.Size())
				}
			}
		})
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		if wins[0] == wins[1] {
			t.Fatalf("round %d: wins %v, want exactly one winner", round, wins)
		}
		if bad != nil {
			t.Fatal(bad)
		}
		winner := 0
		if wins[1] {
			winner = 1
		}
		if v, ok := reader.Get(key); !ok || v.Size() != sizes[winner] {
			t.Fatalf("round %d: the kept entry is not the winner's", round)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func TestPrune(t *testing.T) {
	s, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"old", "new"} {
		if _, err := s.Put(k, value(10)); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(s.Dir(), store.EntryName("old")), old, old); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(s.Dir(), ".tmp-killed")
	if err := os.WriteFile(stale, []byte("partial"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(s.Dir(), ".tmp-being-written")
	if err := os.WriteFile(fresh, []byte("partial"), 0o666); err != nil {
		t.Fatal(err)
	}
	n, _, err := s.Prune(time.Now().Add(-24 * time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("Prune removed %d files (%v), want the old entry and the leftover temporary file", n, err)
	}
	entries, _ := s.List()
	if len(entries) != 1 || entries[0].Key != "new" {
		t.Fatalf("left %+v, want only the new entry", entries)
	}
	// Pruning everything removes every entry but not a temporary file being written.
	if n, _, err := s.Prune(time.Now()); err != nil || n != 1 {
		t.Fatalf("Prune of all removed %d files (%v), want 1", n, err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("a fresh temporary file was removed: %v", err)
	}
}
