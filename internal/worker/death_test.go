package worker

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// TestDeathMessages: the one message of a worker's death names its signal or status and, from
// its last memory report, whether memory likely killed it.
func TestDeathMessages(t *testing.T) {
	for _, c := range []struct {
		d    ProcessDeath
		want string
	}{
		{ProcessDeath{PID: 7, Code: -1, Signal: syscall.SIGKILL, Memory: &MemoryReport{RSS: 250 << 20, Limit: 256 << 20}},
			"process 7 was killed by signal 9 (killed) (likely out of memory: RSS 250.0MiB of limit 256.0MiB)"},
		{ProcessDeath{PID: 7, Code: -1, Signal: syscall.SIGKILL, Memory: &MemoryReport{RSS: 10 << 20, Limit: 256 << 20}},
			"process 7 was killed by signal 9 (killed) (RSS 10.0MiB at its last memory report of limit 256.0MiB)"},
		{ProcessDeath{PID: 7, Code: -1, Signal: syscall.SIGKILL}, "process 7 was killed by signal 9 (killed)"},
		{ProcessDeath{PID: 7, Code: 3}, "process 7 exited with status 3"},
		{ProcessDeath{PID: 7, Code: 2, RuntimeOOM: true}, "process 7 exited with status 2 (the Go runtime ran out of memory)"},
	} {
		if got := c.d.Error(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	cmd := exec.Command("sh", "-c", "kill -9 $$")
	_ = cmd.Run()
	d := DeathOf(cmd.Process.Pid, cmd.ProcessState, "")
	if d.Signal != syscall.SIGKILL || !strings.Contains(d.Error(), "killed by signal 9") {
		t.Fatalf("DeathOf a SIGKILLed process = %+v: %v", d, d)
	}
}
