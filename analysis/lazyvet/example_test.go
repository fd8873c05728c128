package lazyvet_test

import (
	"context"
	"fmt"

	"github.com/lazygraph/lazygraph/analysis/lazyvet"
)

func ExampleCheck() {
	// What "lazygraph vet ./examples/quickstart" does, from the module's root.
	findings, err := lazyvet.Check(context.Background(), "../..", "./examples/quickstart")
	fmt.Println(len(findings), err)
	// Output: 0 <nil>
}
