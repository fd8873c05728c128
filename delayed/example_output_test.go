package delayed_test

import (
	"context"
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/delayed"
)

// chatty writes while it computes; on worker processes its lines come back tagged with its key.
var chatty = delayed.Func1(func(i int) int {
	fmt.Printf("working on %d\n", i)
	return i * i
})

// Tasks' output on worker processes (processes and distributed schedulers) comes back to the
// program as "[key] line"; WithRelayedOutputTo sends it to writers of the program's choosing,
// and WithOutputRelay(false) leaves it on the workers' own output. On the synchronous and
// threads schedulers tasks write directly, as here.
func ExampleWithOutputRelay() {
	v, err := chatty(delayed.Value(3)).Compute(context.Background(),
		delayed.WithScheduler("synchronous"),
		delayed.WithRelayedOutputTo(os.Stdout, os.Stderr), // the default writers, for the example
		delayed.WithOutputRelay(true))
	fmt.Println(v, err)
	// Output:
	// working on 3
	// 9 <nil>
}
