package distributed_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

func ExampleServer_Shutdown() {
	dir, _ := os.MkdirTemp("", "lazygraph-example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "scheduler.json")
	server, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0", SchedulerFile: file})
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := distributed.Connect(context.Background(), file, distributed.ClientOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	server.Shutdown("maintenance") // clients hear why; workers stop and exit 0
	for client.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	_, statErr := os.Stat(file)
	fmt.Println(errors.Is(client.Err(), distributed.ErrSchedulerShutdown), errors.Is(statErr, os.ErrNotExist))
	// Output: true true
}

func ExampleServer_ContactAddress() {
	server, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0", ContactAddress: "sched.example.org"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer server.Close()
	_, port, _ := net.SplitHostPort(server.Address())
	fmt.Println(server.ContactAddress() == "sched.example.org:"+port, server.File().Address == server.ContactAddress())
	// Output: true true
}

func ExampleNewServer_shortToken() {
	_, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0", Token: "secret"})
	fmt.Println(errors.Is(err, distributed.ErrShortToken))
	// Output: true
}

func ExampleFuture_Key() {
	lc, err := distributed.StartLocalCluster(context.Background(), distributed.LocalClusterOptions{Workers: 1})
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
	a, _ := client.Submit(stamp(delayed.Value(10)))
	b, _ := client.Submit(stamp(delayed.Value(10))) // the same pure call: the same key, one computation
	va, _ := a[0].Result(context.Background())
	vb, _ := b[0].Result(context.Background())
	fmt.Println(a[0].Key() == b[0].Key(), va == vb)
	// Output: true true
}

func ExampleParseConnectTimeout() {
	for _, s := range []string{"", "90s", "120", "soon"} {
		d, err := distributed.ParseConnectTimeout(s)
		fmt.Println(d, err != nil)
	}
	// Output:
	// 1m0s false
	// 1m30s false
	// 2m0s false
	// 0s true
}

func ExampleRunWorker() {
	// A worker whose scheduler never comes fails after its connect timeout, naming the address.
	err := distributed.RunWorker(context.Background(), distributed.WorkerOptions{
		Address: "127.0.0.1:1", Token: "0123456789abcdef", ConnectTimeout: 200 * time.Millisecond,
	})
	fmt.Println(errors.Is(err, distributed.ErrUnreachable))
	// Output: true
}

func ExampleNewConsoleLogger() {
	log := distributed.NewConsoleLogger() // readable lines on standard error, no stack traces
	defer log.Sync()
	fmt.Println(log != nil)
	// Output: true
}
