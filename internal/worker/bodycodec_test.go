package worker

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// fullBatch is randomBatch with every field of a Batch set at random.
func fullBatch(r *rand.Rand) *Batch {
	b := randomBatch(r)
	b.Job = uint32(randomUint(r))
	if r.IntN(3) == 0 {
		b.Functions = []FunctionDef{{ID: uint32(randomUint(r)), Name: "f", Elem: []string{"", "int"}[r.IntN(2)]}}
	}
	if r.IntN(3) == 0 {
		b.Peers = []PeerSource{{Key: randomUint(r), Type: "int", Address: "127.0.0.1:1"}}
	}
	for range r.IntN(20) {
		b.Release = append(b.Release, randomUint(r))
	}
	for range r.IntN(3) {
		b.Finished = append(b.Finished, uint32(randomUint(r)))
	}
	if r.IntN(3) == 0 {
		b.Store = &StoreSpec{Dir: "/d", Probe: "p"}
	}
	b.NoRelay = r.IntN(2) == 0
	if r.IntN(8) == 0 {
		b.Tasks = make([]Task, 17) // a 16-bit array length
	}
	return b
}

func fullResults(r *rand.Rand) *Results {
	rs := randomResults(r)
	rs.Stopping = r.IntN(2) == 0
	if r.IntN(3) == 0 {
		rs.Dropped = []TaskRef{{Job: 1, Key: randomUint(r)}}
	}
	if r.IntN(8) == 0 {
		rs.Items = nil
	}
	return rs
}

// TestBodyCodecMatchesMsgpack checks that AppendBatch and AppendResults write the bytes
// wire.EncodeMessage writes, and that DecodeBatch and DecodeResults read them back to what
// wire.DecodeMessage reads, on random messages.
func TestBodyCodecMatchesMsgpack(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		b := fullBatch(r)
		want, err := wire.EncodeMessage(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendBatch([]byte{0xff}, b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[1:], want) || got[0] != 0xff {
			t.Fatalf("%#v:\nAppendBatch   %x\nEncodeMessage %x", b, got[1:], want)
		}
		var byReflection, byHand Batch
		if err := wire.DecodeMessage(want, &byReflection); err != nil {
			t.Fatal(err)
		}
		if err := DecodeBatch(want, &byHand); err != nil {
			t.Fatalf("DecodeBatch(%x): %v", want, err)
		}
		if !reflect.DeepEqual(byHand, byReflection) {
			t.Fatalf("DecodeBatch:\n%#v\nDecodeMessage:\n%#v", byHand, byReflection)
		}

		rs := fullResults(r)
		want, err = wire.EncodeMessage(rs)
		if err != nil {
			t.Fatal(err)
		}
		got, err = AppendResults(nil, rs)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%#v:\nAppendResults %x\nEncodeMessage %x", rs, got, want)
		}
		var resReflection, resHand Results
		if err := wire.DecodeMessage(want, &resReflection); err != nil {
			t.Fatal(err)
		}
		if err := DecodeResults(want, &resHand); err != nil {
			t.Fatalf("DecodeResults(%x): %v", want, err)
		}
		if !reflect.DeepEqual(resHand, resReflection) {
			t.Fatalf("DecodeResults:\n%#v\nDecodeMessage:\n%#v", resHand, resReflection)
		}
	}
}

// TestBodyCodecReadsAnyFieldOrder: fields in any order, unknown ones skipped, nil the zero
// message, as msgpack reads them.
func TestBodyCodecReadsAnyFieldOrder(t *testing.T) {
	type reordered struct {
		Extra string `msgpack:"zz"`
		Fn    uint32 `msgpack:"f"`
		Args  []struct {
			Body []byte `msgpack:"b"`
			Key  uint64 `msgpack:"k"`
		} `msgpack:"a"`
		Key uint64 `msgpack:"k"`
	}
	in := struct {
		Unknown []int `msgpack:"u"`
		Tasks   []any `msgpack:"t"`
		Job     int8  `msgpack:"j"`
	}{Unknown: []int{1, 2}, Tasks: []any{reordered{Extra: "x", Fn: 7, Key: 9, Args: []struct {
		Body []byte `msgpack:"b"`
		Key  uint64 `msgpack:"k"`
	}{{Body: []byte{1}, Key: 3}}}, nil}, Job: 5}
	body, err := wire.EncodeMessage(in)
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	if err := DecodeBatch(body, &b); err != nil {
		t.Fatal(err)
	}
	want := Batch{Job: 5, Tasks: []Task{{Key: 9, Fn: 7, Args: []Arg{{Key: 3, Body: []byte{1}}}}, {}}}
	if !reflect.DeepEqual(b, want) {
		t.Fatalf("decoded %#v, want %#v", b, want)
	}
	if err := DecodeBatch([]byte{0xc0}, &b); err != nil || !reflect.DeepEqual(b, Batch{}) {
		t.Fatalf("nil decoded as %#v, %v", b, err)
	}
}

// TestBodyCodecReusesTasks: the tasks' array given is filled rather than replaced, when it has
// room.
func TestBodyCodecReusesTasks(t *testing.T) {
	body, err := AppendBatch(nil, &Batch{Tasks: []Task{{Key: 1}, {Key: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	tasks := make([]Task, 0, 4)
	b := Batch{Tasks: tasks}
	if err := DecodeBatch(body, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Tasks) != 2 || &b.Tasks[0] != &tasks[:1][0] || b.Tasks[1].Key != 2 {
		t.Fatalf("tasks %v not decoded into the array given", b.Tasks)
	}
}

// TestBodyCodecRefusesBadInput: cut or corrupted bodies are errors, never panics, and what
// decodes decodes as msgpack decodes it.
func TestBodyCodecRefusesBadInput(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		good, err := AppendBatch(nil, fullBatch(r))
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(good) {
			var b Batch
			if err := DecodeBatch(good[:n], &b); err == nil {
				t.Fatalf("a batch cut to %d of %d bytes decoded", n, len(good))
			}
		}
		goodResults, err := AppendResults(nil, fullResults(r))
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(goodResults) {
			var rs Results
			if err := DecodeResults(goodResults[:n], &rs); err == nil {
				t.Fatalf("results cut to %d of %d bytes decoded", n, len(goodResults))
			}
		}
		for range 20 {
			bad := bytes.Clone(good)
			for range 1 + r.IntN(3) {
				if len(bad) > 0 {
					bad[r.IntN(len(bad))] = byte(r.Uint32())
				}
			}
			var byHand, byReflection Batch
			errHand := DecodeBatch(bad, &byHand)
			errReflection := wire.DecodeMessage(bad, &byReflection)
			if errHand == nil && errReflection == nil && !reflect.DeepEqual(byHand, byReflection) {
				t.Fatalf("%x: DecodeBatch\n%#v\nDecodeMessage\n%#v", bad, byHand, byReflection)
			}
			bad = bytes.Clone(goodResults)
			if len(bad) > 0 {
				bad[r.IntN(len(bad))] = byte(r.Uint32())
			}
			var rsHand, rsReflection Results
			errHand = DecodeResults(bad, &rsHand)
			errReflection = wire.DecodeMessage(bad, &rsReflection)
			if errHand == nil && errReflection == nil && !reflect.DeepEqual(rsHand, rsReflection) {
				t.Fatalf("%x: DecodeResults\n%#v\nDecodeMessage\n%#v", bad, rsHand, rsReflection)
			}
		}
	}
	// A hostile length allocates nothing large.
	huge := []byte{0x81, 0xa1, 't', 0xdd, 0xff, 0xff, 0xff, 0xff}
	var b Batch
	if err := DecodeBatch(huge, &b); err == nil {
		t.Fatal("a batch announcing 4G tasks decoded")
	}
}

// BenchmarkBodyCodecBatch is BenchmarkCodecBatch through AppendBatch and DecodeBatch.
func BenchmarkBodyCodecBatch(b *testing.B) {
	batch := &Batch{Job: 1}
	for k := range 1000 {
		batch.Tasks = append(batch.Tasks, Task{Key: uint64(1000 + k), Job: 1, Fn: 1, Args: []Arg{{Body: []byte{byte(k % 100)}}}, Send: SendIfSmall})
	}
	b.ReportAllocs()
	var body []byte
	for b.Loop() {
		var err error
		if body, err = AppendBatch(body[:0], batch); err != nil {
			b.Fatal(err)
		}
		var back Batch
		if err := DecodeBatch(body, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBodyCodecGather is BenchmarkCodecGather through AppendBatch and DecodeBatch.
func BenchmarkBodyCodecGather(b *testing.B) {
	batch := &Batch{Job: 1}
	for k := range 500_000 {
		batch.Puts = append(batch.Puts, Put{Key: uint64(1000 + k), Type: "int", Body: []byte{0xcd, byte(k >> 8), byte(k)}})
	}
	b.ReportAllocs()
	var body []byte
	for b.Loop() {
		var err error
		if body, err = AppendBatch(body[:0], batch); err != nil {
			b.Fatal(err)
		}
		var back Batch
		if err := DecodeBatch(body, &back); err != nil {
			b.Fatal(err)
		}
	}
}
