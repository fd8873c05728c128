package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/store"
)

func TestCacheCommand(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"main.fit-aa", "main.fit-bb"} {
		if _, err := s.Put(k, wire.Value{Body: []byte("value")}); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-100 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, store.EntryName("main.fit-aa")), old, old); err != nil {
		t.Fatal(err)
	}
	runOK := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"cache"}, args...), &stdout, &stderr); code != 0 {
			t.Fatalf("lazygraph cache %v: exit %d: %s", args, code, stderr.String())
		}
		return stdout.String()
	}
	if out := runOK("ls", dir); !strings.Contains(out, "main.fit-aa") || !strings.Contains(out, "main.fit-bb") {
		t.Fatalf("ls printed %q", out)
	}
	if out := runOK("du", dir); !strings.HasPrefix(out, "2 entries, ") {
		t.Fatalf("du printed %q", out)
	}
	if out := runOK("prune", "-older-than", "72h", dir); out != "removed 1 files, "+sizeOf(t, s)+" bytes\n" {
		t.Fatalf("prune printed %q", out)
	}
	if out := runOK("ls", dir); strings.Contains(out, "main.fit-aa") || !strings.Contains(out, "main.fit-bb") {
		t.Fatalf("after prune, ls printed %q", out)
	}
	runOK("prune", dir)
	if out := runOK("du", dir); !strings.HasPrefix(out, "0 entries, 0 bytes") {
		t.Fatalf("after prune of all, du printed %q", out)
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"cache", "ls", filepath.Join(dir, "missing")}, &bytes.Buffer{}, &stderr); code != 1 {
		t.Fatalf("ls of a missing directory: exit %d, want 1", code)
	}
	if code := run(context.Background(), []string{"cache", "frob", dir}, &bytes.Buffer{}, &stderr); code != 2 {
		t.Fatalf("unknown subcommand: exit %d, want 2", code)
	}
}

// sizeOf returns the size of the remaining entry, which has the same size as the pruned one.
func sizeOf(t *testing.T, s *store.Store) string {
	t.Helper()
	entries, err := s.List()
	if err != nil || len(entries) == 0 {
		t.Fatal(entries, err)
	}
	return strconv.FormatInt(entries[0].Size, 10)
}
