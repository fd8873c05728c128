package lazyvet

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Finding is one report: where, and what.
type Finding struct {
	Pos     token.Position
	Message string
}

func (f Finding) String() string { return fmt.Sprintf("%s: %s", f.Pos, f.Message) }

// ErrLoad is matched by the error of Check when the packages cannot be loaded or type-checked.
var ErrLoad = errors.New("lazyvet: loading packages")

// Check loads the packages matching patterns (as "go vet" would, from dir; "" is the current
// directory) and returns the analyzer's findings, sorted by position.
func Check(ctx context.Context, dir string, patterns ...string) ([]Finding, error) {
	cfg := &packages.Config{Context: ctx, Dir: dir, Mode: packages.LoadSyntax, Tests: false}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLoad, err)
	}
	var loadErrs []error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, e)
		}
	})
	if len(loadErrs) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrLoad, errors.Join(loadErrs...))
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{Analyzer}, pkgs, nil)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for act := range graph.All() {
		if !act.IsRoot || act.Analyzer != Analyzer {
			continue
		}
		if act.Err != nil {
			return nil, fmt.Errorf("lazyvet on %s: %w", act.Package.PkgPath, act.Err)
		}
		for _, d := range act.Diagnostics {
			out = append(out, Finding{Pos: act.Package.Fset.Position(d.Pos), Message: d.Message})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Offset < b.Offset
	})
	return out, nil
}
