package cluster

import (
	"fmt"
	"strings"
)

// ClientLabel names a computation's client for people (on a dashboard, in logs) as workers are
// named: the name the client gave, else its program, else "client", then in parentheses its
// process ID (when known, > 0) and where it is (a connection's remote address, or "this
// process" for a computation started beside the coordinator). For example
// "study on node7 (pid 4242, 10.0.0.7:53110)" or "dashboard.test (pid 4242, this process)".
func ClientLabel(name, program string, pid int, where string) string {
	who := name
	if who == "" {
		who = program
	}
	if who == "" {
		who = "client"
	}
	var details []string
	if pid > 0 {
		details = append(details, fmt.Sprintf("pid %d", pid))
	}
	if where != "" {
		details = append(details, where)
	}
	if len(details) == 0 {
		return who
	}
	return who + " (" + strings.Join(details, ", ") + ")"
}
