package launch

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSlurmWorkersSubmitsAnArrayAndCancelsByName(t *testing.T) {
	var calls []string
	var scripts []string
	l := &SlurmWorkers{Binary: "/opt/app", Args: []string{"-x", "a b"}, SchedulerFile: "/shared/s.json", ClusterID: "77",
		Partition: "short", Time: "1:00:00", Mem: "8G", CPUs: 4, SbatchArgs: []string{"--oversubscribe"}, Env: []string{"K=V"},
		Client: SlurmClient{Run: func(_ context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
			calls = append(calls, name+" "+strings.Join(args, " "))
			switch name {
			case "sbatch":
				scripts = append(scripts, string(stdin))
				return []byte("123\n"), nil
			case "scontrol":
				return nil, errors.New("no scontrol here")
			}
			return nil, nil
		}}}
	names, err := l.StartWorkers(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"lazygraph-worker-77-1", "lazygraph-worker-77-2", "lazygraph-worker-77-3"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("names %v, want %v", names, want)
	}
	s := scripts[0]
	for _, line := range []string{"#SBATCH --job-name=lazygraph-worker-77", "#SBATCH --array=0-2", "#SBATCH --signal=B:TERM@60",
		"#SBATCH --cpus-per-task=4", "#SBATCH --partition=short", "#SBATCH --time=1:00:00", "#SBATCH --mem=8G",
		"#SBATCH --oversubscribe", "name=lazygraph-worker-77-$((1 + ${SLURM_ARRAY_TASK_ID:-0}))",
		"LAZYGRAPH_WORKER=distributed", "LAZYGRAPH_SCHEDULER_FILE=/shared/s.json", `LAZYGRAPH_WORKER_NAME="$name"`, "'a b'", "K=V"} {
		if !strings.Contains(s, line) {
			t.Errorf("the script lacks %q:\n%s", line, s)
		}
	}
	one, err := l.StartWorker(context.Background())
	if err != nil || one != "lazygraph-worker-77-4" || strings.Contains(scripts[1], "--array") {
		t.Fatalf("one worker: %q, %v; a single worker is no array:\n%s", one, err, scripts[1])
	}
	if err := l.StopWorker(context.Background(), "lazygraph-worker-77-2"); err != nil {
		t.Fatal(err)
	}
	if err := l.StopWorker(context.Background(), "lazygraph-worker-77-4"); err != nil {
		t.Fatal(err)
	}
	if err := l.StopWorker(context.Background(), "unknown"); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(calls, "\n")
	if !strings.Contains(got, "scancel 123_1") || !strings.Contains(got, "scancel 123\n") && !strings.HasSuffix(got, "scancel 123") {
		t.Errorf("cancellations: array task 123_1 and job 123 expected, calls:\n%s", got)
	}
}

func TestSlurmWorkersRejectsBadOptions(t *testing.T) {
	l := &SlurmWorkers{Binary: "relative", SchedulerFile: "s.json", ClusterID: "a b", Time: "soon", Mem: "-1"}
	_, err := l.Script(1, 1)
	for _, want := range []string{"SchedulerFile", "ClusterID", "Time", "Mem"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func TestSlurmScriptAdaptive(t *testing.T) {
	s, err := SlurmScript(SlurmOptions{Binary: "/opt/app", Nodes: 4, WorkersPerNode: 8, CPUsPerWorker: 2, Partition: "p",
		Adapt: &AdaptOptions{Min: 1, Max: 5, Time: "30", Mem: "4G", SbatchArgs: []string{"--oversubscribe"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#SBATCH --nodes=1", "#SBATCH --ntasks-per-node=1", "-adapt -min 1", "-max 5", "-launcher slurm",
		`-cluster-id="$SLURM_JOB_ID"`, "-partition p", "-time 30", "-mem 4G", "-cpus-per-worker 2", "-sbatch=--oversubscribe", "-- /opt/app"} {
		if !strings.Contains(s, want) {
			t.Errorf("the adaptive script lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, workersStep) && strings.Contains(s, "--job-name="+workersStep) {
		t.Errorf("the adaptive script starts a workers step:\n%s", s)
	}
	if _, err := SlurmScript(SlurmOptions{Binary: "/opt/app", Nodes: 1, WorkersPerNode: 1, Adapt: &AdaptOptions{Min: 3, Max: 2}}); err == nil {
		t.Error("min > max accepted")
	}
}
