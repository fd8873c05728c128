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

// Visualize writes the graph needed to compute nodes to w in Graphviz DOT form.
func Visualize(w io.Writer, nodes ...Node) error {
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
	return graph.Render(w, plan)
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
