package distributed

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

var fingerprintOnce struct {
	sync.Once
	value string
}

// functionsFingerprint identifies the functions this program registers (names and signatures):
// a worker runs a client's computations only when theirs are equal, so both know every function
// by the same name and types.
func functionsFingerprint() string {
	fingerprintOnce.Do(func() {
		h := sha256.New()
		for _, name := range graph.RegisteredNames() {
			fn, _ := graph.Lookup(name)
			h.Write([]byte(name))
			h.Write([]byte{0})
			for _, p := range fn.Params() {
				t, _ := wire.TypeName(p)
				h.Write([]byte(t))
				h.Write([]byte{1})
			}
			if fn.Result() != nil {
				t, _ := wire.TypeName(fn.Result())
				h.Write([]byte(t))
			}
			h.Write([]byte{2})
		}
		fingerprintOnce.value = hex.EncodeToString(h.Sum(nil)[:12])
	})
	return fingerprintOnce.value
}
