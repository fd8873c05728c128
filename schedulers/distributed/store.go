package distributed

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/store"
)

// storeSpec tells the scheduler about the client's result store: its directory, the name of a
// probe file the client made there (so the scheduler knows it sees the same directory, not
// another of the same name on its own machine), and the entry keys of the tasks to keep.
type storeSpec struct {
	Dir   string   `msgpack:"d"`
	Probe string   `msgpack:"p"`
	Tasks []int32  `msgpack:"t"`
	Keys  []string `msgpack:"k"`
}

// probePrefix starts the probe file's name; the store's prune removes probes left by killed
// clients like any other temporary file.
const probePrefix = ".tmp-shared-"

// shareStore describes job's result store for the scheduler and makes the probe file; the
// returned function removes it. Without a store, or when the probe cannot be made, the scheduler
// keeps nothing and the client keeps the outputs alone.
func shareStore(job *schedulers.Job) (*storeSpec, func()) {
	if job.StoreDir == "" {
		return nil, func() {}
	}
	dir, err := filepath.Abs(job.StoreDir)
	if err != nil {
		return nil, func() {}
	}
	var token [16]byte
	_, _ = rand.Read(token[:]) // never fails
	probe := probePrefix + hex.EncodeToString(token[:])
	if err := os.WriteFile(filepath.Join(dir, probe), nil, 0o666); err != nil {
		job.Logger.Debug("result store: cannot share the directory with the scheduler", zap.Error(err))
		return nil, func() {}
	}
	spec := &storeSpec{Dir: dir, Probe: probe}
	for i, k := range job.StoreKeys {
		if k != "" {
			spec.Tasks = append(spec.Tasks, int32(i))
			spec.Keys = append(spec.Keys, k)
		}
	}
	return spec, func() { _ = os.Remove(filepath.Join(dir, probe)) }
}

// sharedStore is a client's result store as the scheduler sees it.
type sharedStore struct {
	st   *store.Store
	keys []string // by task
	log  *zap.Logger
}

// openSharedStore returns the client's store when its directory is shared with this machine
// (the probe file is there), else nil.
func openSharedStore(spec *storeSpec, tasks int, log *zap.Logger) *sharedStore {
	if spec == nil || !filepath.IsAbs(spec.Dir) || len(spec.Tasks) != len(spec.Keys) {
		return nil
	}
	token := spec.Probe[min(len(probePrefix), len(spec.Probe)):]
	if _, err := hex.DecodeString(token); err != nil || len(token) == 0 || spec.Probe != probePrefix+token {
		return nil
	}
	if _, err := os.Stat(filepath.Join(spec.Dir, spec.Probe)); err != nil {
		log.Debug("result store: the client's directory is not shared with the scheduler", zap.String("dir", spec.Dir))
		return nil
	}
	st, err := store.Open(spec.Dir, log)
	if err != nil {
		return nil
	}
	s := &sharedStore{st: st, keys: make([]string, tasks), log: log}
	for k, i := range spec.Tasks {
		if i >= 0 && int(i) < tasks {
			s.keys[i] = spec.Keys[k]
		}
	}
	return s
}

var _ cluster.Keeper = (*remoteJob)(nil)

// Keep writes a result that came back to the scheduler into the client's shared result store.
func (rj *remoteJob) Keep(i int32, v wire.Value) {
	s := rj.store
	if s == nil || i < 0 || int(i) >= len(s.keys) || s.keys[i] == "" {
		return
	}
	if _, err := s.st.Put(s.keys[i], v); err != nil {
		s.log.Warn("result store: cannot keep a result", zap.String("key", s.keys[i]), zap.Error(err))
		return
	}
	rj.Kept(i) // written, or another writer's entry is there
}

// workerStore returns the client's result store as the workers are told of it: they write the
// results they compute into it themselves when they see the client's probe file, whether or not
// the scheduler does.
func workerStore(spec *storeSpec, tasks int) (*worker.StoreSpec, []string) {
	if spec == nil || !filepath.IsAbs(spec.Dir) || len(spec.Tasks) != len(spec.Keys) || len(spec.Tasks) == 0 {
		return nil, nil
	}
	keys := make([]string, tasks)
	for k, i := range spec.Tasks {
		if i >= 0 && int(i) < tasks {
			keys[i] = spec.Keys[k]
		}
	}
	return &worker.StoreSpec{Dir: spec.Dir, Probe: spec.Probe}, keys
}
