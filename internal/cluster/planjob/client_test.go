package planjob

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// A computation started beside the coordinator names this program and process as its client,
// for the dashboard.
func TestClientNamesThisProcess(t *testing.T) {
	want := filepath.Base(os.Args[0]) + " (pid " + strconv.Itoa(os.Getpid()) + ", this process)"
	if got := (&Job{}).Client(); got != want {
		t.Errorf("Client() = %q, want %q", got, want)
	}
	if got := (keeper{&Job{}}).Client(); got != want {
		t.Errorf("a keeper's Client() = %q, want %q", got, want)
	}
}
