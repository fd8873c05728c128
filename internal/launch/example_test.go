package launch_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/lazygraph/lazygraph/internal/launch"
)

func ExampleQuote() {
	fmt.Println(launch.Quote("/data/run-1.csv"))
	fmt.Println(launch.Quote("two words"))
	fmt.Println(launch.Quote("it's $5"))
	fmt.Println(launch.QuoteCommand("/bin/prog", "-name", "", "a;b"))
	// Output:
	// /data/run-1.csv
	// 'two words'
	// 'it'\''s $5'
	// /bin/prog -name '' 'a;b'
}

func ExampleSlurmScript() {
	script, err := launch.SlurmScript(launch.SlurmOptions{
		Binary:         "/home/ana/bin/analysis",
		Args:           []string{"-folds", "10"},
		Nodes:          4,
		WorkersPerNode: 8,
		Partition:      "short",
		Time:           "2:00:00",
		SchedulerFile:  "/scratch/ana/scheduler.json",
	})
	if err != nil {
		log.Fatal(err)
	}
	// Write the script to a file for sbatch, or submit it with a SlurmClient.
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(line, "#SBATCH") {
			fmt.Println(line)
		}
	}
	// Output:
	// #SBATCH --job-name=lazygraph
	// #SBATCH --nodes=4
	// #SBATCH --ntasks-per-node=8
	// #SBATCH --partition=short
	// #SBATCH --time=2:00:00
}

func ExampleSlurmScript_invalidOptions() {
	_, err := launch.SlurmScript(launch.SlurmOptions{Binary: "bin/analysis", Nodes: 0, WorkersPerNode: 2})
	fmt.Println(err)
	// Output:
	// launch: Binary: "bin/analysis" is not an absolute path; the program runs on other machines, in other directories
	// launch: Nodes: 0: a job needs at least 1 node
}

func ExampleNewSSHPlan() {
	plan, err := launch.NewSSHPlan(launch.SSHOptions{
		Hosts:          []string{"head", "node1", "node2"},
		Binary:         "/opt/analysis/bin/analysis",
		Args:           []string{"-input", "/data/all runs.csv"},
		WorkersPerHost: 2,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(plan.SchedulerAddress)
	fmt.Println(plan.Scheduler)
	fmt.Println(len(plan.Workers), "workers, such as")
	fmt.Println(plan.Workers[0])
	// plan.Script() is a bash script that runs the whole plan.
	// Output:
	// head:8786
	// ssh -o BatchMode=yes -tt -o LogLevel=ERROR head 'exec env -u LAZYGRAPH_WORKER lazygraph scheduler -listen head:8786 -scheduler-file "$HOME"/.lazygraph/scheduler-8786.json'
	// 4 workers, such as
	// ssh -o BatchMode=yes -tt -o LogLevel=ERROR node1 'exec env -u LAZYGRAPH_SCHEDULER -u LAZYGRAPH_SCHEDULER_ADDRESS LAZYGRAPH_WORKER=distributed LAZYGRAPH_SCHEDULER_FILE="$HOME"/.lazygraph/scheduler-8786.json /opt/analysis/bin/analysis -input '\''/data/all runs.csv'\'''
}

func ExampleSlurmClient() {
	// The zero SlurmClient runs sbatch, scontrol and sacct. Here a Runner stands in for them.
	polls := 0
	fakeSlurm := func(_ context.Context, _ []byte, name string, args ...string) ([]byte, error) {
		switch name {
		case "sbatch":
			return []byte("4711\n"), nil
		case "scontrol":
			polls++
			state := "RUNNING"
			if polls > 2 {
				state = "COMPLETED"
			}
			return []byte("JobId=4711 JobName=lazygraph\n   JobState=" + state + " Reason=None\n" +
				"   ExitCode=0:0\n   StdOut=/home/ana/slurm-4711.out\n"), nil
		}
		return nil, fmt.Errorf("unexpected %s", name)
	}
	client := &launch.SlurmClient{Run: fakeSlurm, PollInterval: 1}
	ctx := context.Background()

	script, err := launch.SlurmScript(launch.SlurmOptions{Binary: "/home/ana/bin/analysis", Nodes: 2, WorkersPerNode: 4})
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Submit(ctx, script)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("submitted job", job.ID, "writing to", job.Output)
	result, err := client.Wait(ctx, job)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(result.State, result.ExitCode, result.Err())
	// Output:
	// submitted job 4711 writing to /home/ana/slurm-4711.out
	// COMPLETED 0 <nil>
}
