package delayed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lazygraph/lazygraph/graph"
)

// Visualize writes the graph needed to compute nodes to w in Graphviz DOT form: calls labelled
// with their function, data with a short form of its value ("[]float64 len=1000"), filled by
// priority order (the darker, the earlier a task runs). The same graph always gives the same
// bytes. Graphs of more than [graph.DefaultCollapseAbove] tasks are drawn as one node per
// function. See [VisualizeWith] to colour a graph by what became of its tasks in a run.
func Visualize(w io.Writer, nodes ...Node) error {
	return VisualizeWith(w, VisualizeOptions{}, nodes...)
}

// VisualizeOptions adjust [VisualizeWith].
type VisualizeOptions struct {
	// States, when set, colours tasks by what became of them in the computations it watched:
	// finished, failed, or (not run) by priority order.
	States *TaskStates
	// CollapseAbove: graphs of more tasks are drawn as one node per function, with counts; 0
	// means graph.DefaultCollapseAbove, negative never collapses.
	CollapseAbove int
}

// VisualizeWith writes the graph needed to compute nodes to w in Graphviz DOT form, as
// [Visualize] does, with options.
func VisualizeWith(w io.Writer, o VisualizeOptions, nodes ...Node) error {
	tasks := make([]*graph.Task, len(nodes))
	for i, n := range nodes {
		if n != nil {
			tasks[i] = n.Task()
		}
	}
	plan, err := graph.Compile(tasks...)
	if err != nil {
		return err
	}
	ro := graph.RenderOptions{CollapseAbove: o.CollapseAbove}
	if o.States != nil {
		ro.State = func(i int32) graph.TaskState { return o.States.State(plan.Task(i).Key()) }
	}
	return graph.RenderWith(w, plan, ro)
}

// ErrGraphvizMissing is returned by [VisualizeFile] for an image format when Graphviz's dot
// command is not installed.
var ErrGraphvizMissing = errors.New("graphviz's dot command is not installed (apt-get install graphviz)")

// VisualizeFile writes the graph needed to compute nodes to path, in the format its extension
// names: .dot or .gv for DOT, or any format Graphviz's dot renders (.svg, .png, .pdf), which
// needs dot on the PATH.
func VisualizeFile(path string, nodes ...Node) error {
	var dot bytes.Buffer
	if err := Visualize(&dot, nodes...); err != nil {
		return err
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format == "dot" || format == "gv" {
		return os.WriteFile(path, dot.Bytes(), 0o644)
	}
	if format == "" {
		return fmt.Errorf("visualize %s: no file extension to choose a format by", path)
	}
	bin, err := exec.LookPath("dot")
	if err != nil {
		return fmt.Errorf("visualize %s: %w", path, ErrGraphvizMissing)
	}
	cmd := exec.Command(bin, "-T"+format, "-o", path)
	cmd.Stdin = &dot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("visualize %s: dot -T%s: %w: %s", path, format, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
