package wire

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestDecodeErrorChecksStructure: a registered error's data is structure-checked before msgpack
// decodes it, so small hostile records cost little. (Unchecked, FuzzDecode's workers grew by
// gigabytes within a minute and died; a loop over 20,000 mutated records kept 2 GB in use. This
// test bounds the cost; the fuzz target is what found it.)
func TestDecodeErrorChecksStructure(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var seeds [][]byte
	for _, x := range []any{sample{Name: "s", Values: []float64{1}}, []int64{1, 2}, "text", map[string]any{"k": 1}} {
		v, _ := Encode(x, nil)
		seeds = append(seeds, v.Body)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 5000 {
		data := append([]byte(nil), seeds[i%len(seeds)]...)
		for range 1 + r.IntN(4) {
			data[r.IntN(len(data))] = byte(r.Uint32())
			if r.IntN(3) == 0 {
				data = append(data, byte(r.Uint32()))
			}
		}
		rec := ErrorRecord{Message: "m", Chain: []EncodedError{{Name: "*github.com/lazygraph/lazygraph/internal/wire.codeError", Data: data}}}
		_ = DecodeError(rec)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("decoding 5,000 small hostile error records allocated %d MB", grew>>20)
	}
}
