// Package outputcheck helps tests check the output relayed from tasks in worker processes: a
// task function that writes in several ways, and a check that each of its lines came back
// tagged with its task's key, in order.
package outputcheck

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"

	"github.com/lazygraph/lazygraph/graph"
)

// Write is a task body: it writes three lines to standard output, then a log line (package log,
// to standard error) and a line without its newline to standard error.
func Write(i int) int {
	for k := 1; k <= 3; k++ {
		fmt.Printf("task %d line %d\n", i, k)
	}
	log.New(os.Stderr, "", 0).Printf("task %d logs", i)
	fmt.Fprintf(os.Stderr, "task %d complains", i)
	return i
}

// Buffer is a bytes.Buffer safe for concurrent use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Check checks that stdout and stderr hold exactly what Write wrote for each task i with key
// keys[i], each line prefixed with "[key] ": stdout a task's three lines in order, stderr its
// log line and its complaint (ended). It returns the problems found.
func Check(stdout, stderr string, keys []graph.Key) []string {
	var problems []string
	outLines, errLines := lines(stdout), lines(stderr)
	for i, key := range keys {
		tag := "[" + string(key) + "] "
		var got []string
		for _, l := range outLines {
			if strings.HasPrefix(l, tag) {
				got = append(got, strings.TrimPrefix(l, tag))
			}
		}
		want := []string{fmt.Sprintf("task %d line 1", i), fmt.Sprintf("task %d line 2", i), fmt.Sprintf("task %d line 3", i)}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			problems = append(problems, fmt.Sprintf("task %d (%s): stdout lines %q, want %q", i, key, got, want))
		}
		got = got[:0]
		for _, l := range errLines {
			if strings.HasPrefix(l, tag) {
				got = append(got, strings.TrimPrefix(l, tag))
			}
		}
		want = []string{fmt.Sprintf("task %d logs", i), fmt.Sprintf("task %d complains", i)}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			problems = append(problems, fmt.Sprintf("task %d (%s): stderr lines %q, want %q", i, key, got, want))
		}
	}
	if n := 3 * len(keys); len(outLines) != n {
		problems = append(problems, fmt.Sprintf("%d lines on stdout, want %d:\n%s", len(outLines), n, stdout))
	}
	if n := 2 * len(keys); len(errLines) != n {
		problems = append(problems, fmt.Sprintf("%d lines on stderr, want %d:\n%s", len(errLines), n, stderr))
	}
	return problems
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
