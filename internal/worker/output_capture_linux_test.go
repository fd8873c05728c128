package worker

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// writeManyLines is how many separate writes a chatty task makes: more than the watch's
// completion queue holds, so that its polls end and must be armed again.
const writeManyLines = 3 * uringCQEntries

// outputTask writes in the way its argument says: nothing, to stdout and stderr, from another
// goroutine it waits for, from a child process it waits for, or many separate lines.
var outputTask = graph.NewFunction(graph.FunctionSpec{
	Name:   "worker_test.output",
	Impl:   func(i int) int { return i },
	Invoke: func(_ context.Context, a []any) (any, error) { return writeAs(a[0].(int)) },
	Params: []reflect.Type{reflect.TypeFor[int]()},
	Result: reflect.TypeFor[int](),
})

func writeAs(i int) (int, error) {
	switch i % 6 {
	case 1:
		fmt.Printf("task %d out\n", i)
		fmt.Fprintf(os.Stderr, "task %d err\n", i)
	case 2:
		done := make(chan struct{})
		go func() {
			defer close(done)
			fmt.Printf("task %d goroutine\n", i)
		}()
		<-done
	case 3:
		cmd := exec.Command("sh", "-c", fmt.Sprintf("echo task %d child", i))
		cmd.Stdout = os.Stdout
		if err := cmd.Run(); err != nil {
			return 0, err
		}
	case 4:
		for k := range writeManyLines {
			fmt.Printf("task %d line %d\n", i, k)
		}
	}
	return i, nil
}

// wantOutput is what writeAs(i) writes, as "stream:line" strings, stdout's first.
func wantOutput(i int) []string {
	switch i % 6 {
	case 1:
		return []string{fmt.Sprintf("1:task %d out", i), fmt.Sprintf("2:task %d err", i)}
	case 2:
		return []string{fmt.Sprintf("1:task %d goroutine", i)}
	case 3:
		return []string{fmt.Sprintf("1:task %d child", i)}
	case 4:
		var out []string
		for k := range writeManyLines {
			out = append(out, fmt.Sprintf("1:task %d line %d", i, k))
		}
		return out
	}
	return nil
}

// Every task's output comes back with its own result, whichever way it was written, among
// tasks that write nothing: with the pipes watched (io_uring) and polled after each task.
func TestCapturedOutputAttributed(t *testing.T) {
	for _, watch := range []bool{true, false} {
		t.Run(fmt.Sprintf("watch=%v", watch), func(t *testing.T) {
			defer func(was bool) { watchOutput = was }(watchOutput)
			watchOutput = watch
			checkCapturedOutput(t)
		})
	}
}

func checkCapturedOutput(t *testing.T) {
	RegisterTypesOf(outputTask)
	const n = 120
	results := newSink()
	x := NewExecutor(results, nil)
	c, err := StartOutputCapture()
	if err != nil {
		t.Skip("no output capture here:", err)
	}
	x.CaptureOutput(c)
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	for start := 0; start < n; start += n / 4 {
		tasks := make([]Task, 0, n/4)
		for i := start; i < start+n/4; i++ {
			arg, err := wire.Encode(i, reflect.TypeFor[int]())
			if err != nil {
				t.Fatal(err)
			}
			tasks = append(tasks, Task{Key: uint64(i + 1), Job: 1, Fn: 1, Args: []Arg{{Body: arg.Body}}, Send: SendAlways})
		}
		b := &Batch{Job: 1, Tasks: tasks}
		if start == 0 {
			b.Functions = []FunctionDef{{ID: 1, Name: outputTask.Name()}}
		}
		if err := x.Apply(b, nil); err != nil {
			t.Fatal(err)
		}
	}
	got := waitOrNil(results, n)
	x.Close()
	runErr := <-done
	c.Close() // gives the test its output back before it reports anything
	if runErr != nil {
		t.Fatal(runErr)
	}
	if got == nil {
		t.Fatalf("the %d tasks did not all finish", n)
	}
	for _, r := range got {
		i := int(r.Key) - 1
		if r.Err != nil {
			t.Errorf("task %d failed: %s", i, r.Err.Message)
			continue
		}
		// In order within a stream; the two streams are separate pipes, read as they come.
		var got []string
		for _, stream := range []byte{Stdout, Stderr} {
			EachOutputLine(r.Output, func(s byte, line []byte) {
				if s == stream {
					got = append(got, fmt.Sprintf("%d:%s", s, line))
				}
			})
		}
		if want := wantOutput(i); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("task %d: output %q, want %q", i, got, want)
		}
	}
}

// waitOrNil returns the first n results, or nil after a generous deadline (sink.wait would end
// the test while the capture still holds its output).
func waitOrNil(s *sink, n int) []Result {
	deadline := time.After(time.Minute)
	for {
		s.mu.Lock()
		if len(s.results) >= n {
			out := append([]Result(nil), s.results[:n]...)
			s.mu.Unlock()
			return out
		}
		s.mu.Unlock()
		select {
		case <-s.changed:
		case <-deadline:
			return nil
		}
	}
}
