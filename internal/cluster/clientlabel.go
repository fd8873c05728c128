package cluster

import (
	"fmt"
	"strings"
)

// ClientLabel names a computation's client for people (on a dashboard, in logs) as workers are
// named: the name the client gave (its program, for a computation started beside the
// coordinator), else "client", then in parentheses its process ID (when known, > 0) and where it
// is (a connection's remote address, or "this process"). For example
// "study on node7 (pid 4242, 10.0.0.7:53110)" or "dashboard.test (pid 4242, this process)".
func ClientLabel(name string, pid int, where string) string {
	if name == "" {
		name = "client"
	}
	var details []string
	if pid > 0 {
		details = append(details, fmt.Sprintf("pid %d", pid))
	}
	if where != "" {
		details = append(details, where)
	}
	if len(details) == 0 {
		return name
	}
	return name + " (" + strings.Join(details, ", ") + ")"
}
