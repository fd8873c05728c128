// Command lazyvet runs lazygraph's analyzer (package analysis/lazyvet) alone or under go vet:
//
//	lazyvet ./...
//	go vet -vettool=$(which lazyvet) ./...
//
// It reports, in functions wrapped for lazygraph and what they call in the same package,
// package-level variables set in main and read by tasks, the global math/rand generator,
// functions wrapped inside function bodies, and values with unexported fields passed to or
// returned by tasks. "lazygraph vet" runs the same analyzer.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/lazygraph/lazygraph/analysis/lazyvet"
)

func main() { singlechecker.Main(lazyvet.Analyzer) }
