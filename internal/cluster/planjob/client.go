package planjob

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

var _ cluster.Client = (*Job)(nil)

// Client names the computation's client for a coordinator's dashboard: this program, in the
// coordinator's own process (a distributed LocalCluster's computations, say), which no
// connection names.
func (pj *Job) Client() string { return thisProcess() }

// thisProcess is made once: a dashboard asks for it at every snapshot.
var thisProcess = sync.OnceValue(func() string {
	return cluster.ClientLabel(filepath.Base(os.Args[0]), os.Getpid(), "this process")
})
