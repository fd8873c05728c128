package worker

import (
	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/store"
)

// StoreSpec names a job's result store: its directory, and a probe file its client made there
// (store.NewProbe). A worker writes results into the directory only when it sees the probe, that
// is when it shares the client's directory (same machine, or a shared file system).
type StoreSpec struct {
	Dir   string `msgpack:"d"`
	Probe string `msgpack:"p"`
}

// useStore opens the job's result store for jc the first time a batch names it, when this
// process sees the client's directory; mu is held.
func (x *Executor) useStore(jc *jobContext, spec *StoreSpec) {
	if spec == nil || jc.storeChecked {
		return
	}
	jc.storeChecked = true
	if !store.SeesProbe(spec.Dir, spec.Probe) {
		return
	}
	st, err := store.Open(spec.Dir, x.log)
	if err == nil {
		jc.store = st
	}
}

// keepInStore writes a task's encoded result into its job's store, first writer winning, and
// reports whether the entry is there now.
func (x *Executor) keepInStore(st *store.Store, key string, enc wire.Value) bool {
	if _, err := st.Put(key, enc); err != nil {
		x.log.Warn("result store: cannot keep a result", zap.String("key", key), zap.Error(err))
		return false
	}
	return true
}
