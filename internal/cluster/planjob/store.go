package planjob

import (
	"path/filepath"

	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/store"
)

// shareStore lets the workers keep results in the computation's result store themselves, when
// they see its directory: it makes a probe file there for them to find, and returns the function
// removing it. Results of workers that do not see it come back and are kept by this process.
func (pj *Job) shareStore() func() {
	j := pj.job
	if j.StoreDir == "" {
		return func() {}
	}
	dir, err := filepath.Abs(j.StoreDir)
	if err != nil {
		return func() {}
	}
	probe, remove, err := store.NewProbe(dir)
	if err != nil {
		return func() {}
	}
	pj.cj.Store, pj.cj.StoreKeys = &worker.StoreSpec{Dir: dir, Probe: probe}, j.StoreKeys
	return remove
}
