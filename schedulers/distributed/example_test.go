package distributed_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// With no address, the distributed scheduler starts a local cluster of worker processes of this
// program (here the test binary, whose TestMain calls delayed.Init).
func Example() {
	parts := make([]delayed.Delayed[int], 10)
	for i := range parts {
		parts[i] = inc(delayed.Value(i))
	}
	total, err := sumInts(delayed.All(parts)).Compute(context.Background(),
		delayed.WithScheduler(distributed.Name), delayed.WithWorkers(2))
	fmt.Println(total, err)
	// Output: 55 <nil>
}

func ExampleStartLocalCluster() {
	ctx := context.Background()
	lc, err := distributed.StartLocalCluster(ctx, distributed.LocalClusterOptions{Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lc.Close()
	fmt.Println(lc.Server().Workers())
	// Output: 2
}

func ExampleConnect() {
	// A scheduler in this process; its workers would be other programs' processes.
	dir, _ := os.MkdirTemp("", "lazygraph-example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "scheduler.json")
	server, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0", SchedulerFile: file})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer server.Close()
	client, err := distributed.Connect(context.Background(), file, distributed.ClientOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	fmt.Println(client.Workers())
	// Output: 0
}

func ExampleClient_Submit() {
	lc, err := distributed.StartLocalCluster(context.Background(), distributed.LocalClusterOptions{Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lc.Close()
	client, err := distributed.Connect(context.Background(), lc.Address(), distributed.ClientOptions{Token: lc.Server().Token()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	futures, _ := client.Map([]distributed.Node{inc(delayed.Value(1)), inc(delayed.Value(2))})
	values, err := client.Gather(context.Background(), futures)
	fmt.Println(values, err)

	// A kept value is used by later computations without being sent again.
	data, _ := client.Scatter(context.Background(), 40, true)
	answer := inc(delayed.FromTask[int](data.Task()))
	v, err := inc(answer).Compute(context.Background(), delayed.Using(client))
	fmt.Println(v, err)
	// Output:
	// [2 3] <nil>
	// 42 <nil>
}

func ExampleAsCompleted() {
	lc, err := distributed.StartLocalCluster(context.Background(), distributed.LocalClusterOptions{Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lc.Close()
	client, _ := distributed.Connect(context.Background(), lc.Address(), distributed.ClientOptions{Token: lc.Server().Token()})
	defer client.Close()
	futures, _ := client.Submit(napThen(delayed.Value(50), delayed.Value(1)), napThen(delayed.Value(0), delayed.Value(2)))
	for f := range distributed.AsCompleted(context.Background(), futures) {
		v, _ := f.Result(context.Background())
		fmt.Println(v)
	}
	// Output:
	// 2
	// 1
}

func ExampleNewServer() {
	dir, _ := os.MkdirTemp("", "lazygraph-example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "scheduler.json")
	server, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0", SchedulerFile: file})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer server.Close()
	// Workers and clients find it through the file: address, token, protocol.
	f, err := distributed.ReadSchedulerFile(file)
	fmt.Println(f.Address == server.Address(), f.Token == server.Token(), err)
	// Output: true true <nil>
}

func ExampleResult() {
	lc, err := distributed.StartLocalCluster(context.Background(), distributed.LocalClusterOptions{Workers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lc.Close()
	client, _ := distributed.Connect(context.Background(), lc.Address(), distributed.ClientOptions{Token: lc.Server().Token()})
	defer client.Close()
	futures, _ := client.Submit(inc(delayed.Value(41)))
	v, err := distributed.Result[int](context.Background(), futures[0])
	fmt.Println(v, err)
	// Output: 42 <nil>
}
