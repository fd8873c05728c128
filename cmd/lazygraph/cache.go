package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/store"
)

// runCache inspects and trims a result store (the directory given to delayed.WithCache or
// LAZYGRAPH_CACHE):
//
//	lazygraph cache ls DIR                    one line per entry: size, last use, task key
//	lazygraph cache du DIR                    the number of entries and their total size
//	lazygraph cache prune [-older-than D] DIR remove entries not used for D (all by default)
func runCache(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "ls" && args[0] != "du" && args[0] != "prune") {
		fmt.Fprintln(stderr, "usage: lazygraph cache ls|du|prune [-older-than D] DIR")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("cache "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var olderThan *time.Duration
	if sub == "prune" {
		olderThan = fs.Duration("older-than", 0, "remove only entries not written or read for this `duration` (e.g. 72h); 0 removes all")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "lazygraph cache %s: want one directory, got %d arguments\n", sub, fs.NArg())
		return errUsage
	}
	dir := fs.Arg(0)
	if fi, err := os.Stat(dir); err != nil {
		return err
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	s, err := store.Open(dir, nil)
	if err != nil {
		return err
	}
	switch sub {
	case "prune":
		if *olderThan < 0 {
			return fmt.Errorf("-older-than must not be negative, got %s", *olderThan)
		}
		n, size, err := s.Prune(time.Now().Add(-*olderThan))
		fmt.Fprintf(stdout, "removed %d files, %d bytes\n", n, size)
		return err
	}
	entries, err := s.List()
	if err != nil {
		return err
	}
	if sub == "du" {
		var total int64
		for _, e := range entries {
			total += e.Size
		}
		fmt.Fprintf(stdout, "%d entries, %d bytes\t%s\n", len(entries), total, dir)
		return nil
	}
	slices.SortFunc(entries, func(a, b store.Entry) int { return strings.Compare(a.Key, b.Key) })
	for _, e := range entries {
		key := e.Key
		if key == "" {
			key = "(unreadable) " + e.Name
		}
		fmt.Fprintf(stdout, "%10d  %s  %s\n", e.Size, e.ModTime.UTC().Format(time.RFC3339), key)
	}
	return nil
}
