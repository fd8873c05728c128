package worker

import "testing"

// BenchmarkValuesMessage encodes and decodes, as the schedulers do (AppendMessage,
// DecodeMessage), the answer to a fetch of 500 small values: the coordinator gathering a wide
// graph's outputs, or a worker fetching a gathering task's inputs from a peer.
func BenchmarkValuesMessage(b *testing.B) {
	vals := &Values{Puts: make([]Put, 500)}
	for k := range vals.Puts {
		vals.Puts[k] = Put{Key: uint64(1000 + k), Type: "int", Body: []byte{0xcd, byte(k >> 8), byte(k)}}
	}
	b.ReportAllocs()
	var body []byte
	for b.Loop() {
		var err error
		if body, err = AppendMessage(body[:0], vals); err != nil {
			b.Fatal(err)
		}
		var back Values
		if err := DecodeMessage(body, &back); err != nil {
			b.Fatal(err)
		}
	}
}
