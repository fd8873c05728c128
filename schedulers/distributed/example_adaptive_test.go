package distributed_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// A scheduler that starts between 0 and 8 workers of this program as processes on this machine
// while tasks queue, and retires each (gracefully: it hands its values over) once it has idled
// for 30 seconds. A Slurm, SSH or Kubernetes launcher implements the same two methods.
func ExampleAdaptive() {
	file := filepath.Join(os.TempDir(), "example-adaptive.json")
	launcher := &distributed.CommandLauncher{
		Command: []string{os.Args[0]},
		Env:     []string{"LAZYGRAPH_WORKER=distributed", distributed.EnvSchedulerFile + "=" + file},
	}
	defer launcher.Close()
	s, err := distributed.NewServer(distributed.ServerOptions{
		Listen:        "127.0.0.1:0",
		SchedulerFile: file,
		Adaptive:      &distributed.Adaptive{Min: 0, Max: 8, Launcher: launcher, IdleAfter: 30 * time.Second},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Shutdown("done")
	fmt.Println(s.AdaptiveStatus().Serving)
	// Computations submitted with LAZYGRAPH_SCHEDULER_ADDRESS=file now get workers as needed.
}
