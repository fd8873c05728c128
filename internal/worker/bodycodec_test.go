package worker

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// TestBodyCodecMatchesReference checks that AppendBatch, AppendResults and AppendValues write
// the bytes msgpack's reflection writes for the reference messages, and that DecodeBatch,
// DecodeResults and DecodeValues read them back to what reflection reads, on random messages.
func TestBodyCodecMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		b := fullBatch(r)
		want := encodeReference(t, b)
		got, err := AppendBatch([]byte{0xff}, b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[1:], want) || got[0] != 0xff {
			t.Fatalf("%#v:\nAppendBatch %x\nreference   %x", b, got[1:], want)
		}
		var byHand Batch
		if err := DecodeBatch(want, &byHand); err != nil {
			t.Fatalf("DecodeBatch(%x): %v", want, err)
		}
		if byReflection := decodeReference(t, want, &Batch{}); !reflect.DeepEqual(&byHand, byReflection) {
			t.Fatalf("DecodeBatch:\n%#v\nreference:\n%#v", byHand, byReflection)
		}

		rs := fullResults(r)
		want = encodeReference(t, rs)
		got, err = AppendResults(nil, rs)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%#v:\nAppendResults %x\nreference     %x", rs, got, want)
		}
		var resHand Results
		if err := DecodeResults(want, &resHand); err != nil {
			t.Fatalf("DecodeResults(%x): %v", want, err)
		}
		if resReflection := decodeReference(t, want, &Results{}); !reflect.DeepEqual(&resHand, resReflection) {
			t.Fatalf("DecodeResults:\n%#v\nreference:\n%#v", resHand, resReflection)
		}

		vals := randomValues(r)
		want = encodeReference(t, vals)
		if got = AppendValues([]byte{0xfe}, vals); !bytes.Equal(got[1:], want) || got[0] != 0xfe {
			t.Fatalf("%#v:\nAppendValues %x\nreference    %x", vals, got[1:], want)
		}
		var valsHand Values
		if err := DecodeValues(want, &valsHand); err != nil {
			t.Fatalf("DecodeValues(%x): %v", want, err)
		}
		if valsReflection := decodeReference(t, want, &Values{}); !reflect.DeepEqual(&valsHand, valsReflection) {
			t.Fatalf("DecodeValues:\n%#v\nreference:\n%#v", valsHand, valsReflection)
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
	if ref := decodeReference(t, body, &Batch{}); !reflect.DeepEqual(&b, ref) {
		t.Fatalf("decoded %#v, by reflection %#v", b, ref)
	}
	if err := DecodeBatch([]byte{0xc0}, &b); err != nil || !reflect.DeepEqual(b, Batch{}) {
		t.Fatalf("nil decoded as %#v, %v", b, err)
	}
}

// TestValuesCodecReadsAnyFieldOrder: a put's fields in any order, unknown fields skipped, nil
// the zero put, as msgpack reads them.
func TestValuesCodecReadsAnyFieldOrder(t *testing.T) {
	type reordered struct {
		Attachments int    `msgpack:"a"`
		Extra       string `msgpack:"zz"`
		Body        []byte `msgpack:"b"`
		Type        string `msgpack:"t"`
		Key         uint64 `msgpack:"k"`
	}
	body, err := wire.EncodeMessage(struct {
		Unknown []int `msgpack:"u"`
		Puts    []any `msgpack:"p"`
	}{Unknown: []int{1}, Puts: []any{reordered{Attachments: 2, Extra: "x", Body: []byte{1}, Type: "int", Key: 9}, nil}})
	if err != nil {
		t.Fatal(err)
	}
	var v Values
	if err := DecodeValues(body, &v); err != nil {
		t.Fatal(err)
	}
	want := Values{Puts: []Put{{Key: 9, Type: "int", Body: []byte{1}, Attachments: 2}, {}}}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("decoded %#v, want %#v", v, want)
	}
	if ref := decodeReference(t, body, &Values{}); !reflect.DeepEqual(&v, ref) {
		t.Fatalf("decoded %#v, by reflection %#v", v, ref)
	}
	if err := DecodeValues([]byte{0xc0}, &v); err != nil || !reflect.DeepEqual(v, Values{}) {
		t.Fatalf("nil decoded as %#v, %v", v, err)
	}
}

// An empty array is an empty list, not nil, as reflection reads it (lazygraph omits empty lists,
// but another writer need not).
func TestBodyCodecEmptyListIsNotNil(t *testing.T) {
	batch, err := wire.EncodeMessage(map[string]any{"t": []string{}, "p": []string{}})
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	if err := DecodeBatch(batch, &b); err != nil {
		t.Fatal(err)
	}
	if b.Tasks == nil || b.Puts == nil || len(b.Tasks)+len(b.Puts) != 0 {
		t.Fatalf("empty arrays decoded as tasks %#v, puts %#v", b.Tasks, b.Puts)
	}
	results, err := wire.EncodeMessage(&refResults{Items: []refResult{}})
	if err != nil {
		t.Fatal(err)
	}
	var rs Results
	if err := DecodeResults(results, &rs); err != nil {
		t.Fatal(err)
	}
	if rs.Items == nil || len(rs.Items) != 0 {
		t.Fatalf("an empty array decoded as results %#v", rs.Items)
	}
	values, err := wire.EncodeMessage(&refValues{Puts: []refPut{}})
	if err != nil {
		t.Fatal(err)
	}
	var v Values
	if err := DecodeValues(values, &v); err != nil {
		t.Fatal(err)
	}
	if v.Puts == nil || len(v.Puts) != 0 {
		t.Fatalf("an empty array decoded as values %#v", v.Puts)
	}
	for _, c := range []struct {
		body []byte
		msg  any
	}{{batch, &b}, {results, &rs}, {values, &v}} {
		if ref := decodeReference(t, c.body, c.msg); !reflect.DeepEqual(c.msg, ref) {
			t.Fatalf("decoded %#v, by reflection %#v", c.msg, ref)
		}
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

// TestBodyCodecReusesResults: the results' array given is filled rather than replaced when it
// has room, and nothing of the report decoded before shows through.
func TestBodyCodecReusesResults(t *testing.T) {
	first, err := AppendResults(nil, &Results{Stopping: true, Dropped: []TaskRef{{Key: 9, Job: 1}},
		Items: []Result{{Key: 1, Err: &wire.ErrorRecord{Message: "boom"}}, {Key: 2, Sent: true, Body: []byte{1, 2}}, {Key: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := AppendResults(nil, &Results{Items: []Result{{Key: 4, Elapsed: 5}, {Key: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	var res Results
	if err := DecodeResults(first, &res); err != nil {
		t.Fatal(err)
	}
	items := res.Items
	if err := DecodeResults(second, &res); err != nil {
		t.Fatal(err)
	}
	want := Results{Items: []Result{{Key: 4, Elapsed: 5}, {Key: 5}}}
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("decoded %+v over an earlier report, want %+v", res, want)
	}
	if &res.Items[0] != &items[0] {
		t.Fatal("results not decoded into the array given, which had room")
	}
}

// Lists decode into arrays of their own: a message of n tasks, results or values costs a few
// allocations, not one or more per element.
func TestBodyCodecListAllocations(t *testing.T) {
	const n = 1000
	batch := &Batch{Job: 1, Tasks: make([]Task, n)}
	results := &Results{Items: make([]Result, n)}
	values := &Values{Puts: make([]Put, n)}
	for k := range n {
		batch.Tasks[k] = Task{Key: uint64(k + 1), Job: 1, Fn: 2, Args: []Arg{{Key: uint64(k + 7)}}}
		results.Items[k] = Result{Key: uint64(k + 1), Job: 1, Size: 9, Start: int64(k), Elapsed: 60}
		values.Puts[k] = Put{Key: uint64(k + 1), Type: "int", Body: []byte{byte(k % 100)}}
	}
	valuesBody := AppendValues(nil, values)
	batchBody, err := AppendBatch(nil, batch)
	if err != nil {
		t.Fatal(err)
	}
	resultsBody, err := AppendResults(nil, results)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		decode func() error
	}{
		{"tasks", func() error { return DecodeBatch(batchBody, new(Batch)) }},
		{"results", func() error { return DecodeResults(resultsBody, new(Results)) }},
		{"values", func() error { return DecodeValues(valuesBody, new(Values)) }},
	} {
		allocs := testing.AllocsPerRun(20, func() {
			if err := c.decode(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > n/10 {
			t.Errorf("decoding %d %s: %.0f allocations, want far fewer than one per element", n, c.name, allocs)
		}
	}
}

// TestBodyCodecRefusesBadInput: cut or corrupted bodies are errors, never panics, and what
// decodes decodes as reflection decodes the reference messages.
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
		goodValues := AppendValues(nil, randomValues(r))
		for n := range len(goodValues) {
			var v Values
			if err := DecodeValues(goodValues[:n], &v); err == nil {
				t.Fatalf("values cut to %d of %d bytes decoded", n, len(goodValues))
			}
		}
		for range 20 {
			bad := bytes.Clone(good)
			for range 1 + r.IntN(3) {
				if len(bad) > 0 {
					bad[r.IntN(len(bad))] = byte(r.Uint32())
				}
			}
			checkAgainstReference(t, bad)
			bad = bytes.Clone(goodResults)
			if len(bad) > 0 {
				bad[r.IntN(len(bad))] = byte(r.Uint32())
			}
			checkAgainstReference(t, bad)
			bad = bytes.Clone(goodValues)
			bad[r.IntN(len(bad))] = byte(r.Uint32())
			checkAgainstReference(t, bad)
		}
	}
	// A put encoded as an array is refused, as reflection refuses it.
	asArray, err := wire.EncodeMessage(struct {
		Puts [][]any `msgpack:"p"`
	}{Puts: [][]any{{1, "int", []byte{1}}}})
	if err != nil {
		t.Fatal(err)
	}
	var v Values
	if err := DecodeValues(asArray, &v); err == nil {
		t.Error("a put encoded as an array decoded")
	}
	// A hostile length allocates nothing large.
	huge := []byte{0x81, 0xa1, 't', 0xdd, 0xff, 0xff, 0xff, 0xff}
	var b Batch
	if err := DecodeBatch(huge, &b); err == nil {
		t.Fatal("a batch announcing 4G tasks decoded")
	}
}

// checkAgainstReference decodes body as a batch, as results and as values through the body
// codecs: what they accept, reflection accepts and reads the same from the reference messages.
func checkAgainstReference(t testing.TB, body []byte) {
	t.Helper()
	var b Batch
	if DecodeBatch(body, &b) == nil {
		if ref := decodeReference(t, body, &Batch{}); !reflect.DeepEqual(&b, ref) {
			t.Fatalf("%x: DecodeBatch\n%#v\nreference\n%#v", body, b, ref)
		}
	}
	var rs Results
	if DecodeResults(body, &rs) == nil {
		if ref := decodeReference(t, body, &Results{}); !reflect.DeepEqual(&rs, ref) {
			t.Fatalf("%x: DecodeResults\n%#v\nreference\n%#v", body, rs, ref)
		}
	}
	var v Values
	if DecodeValues(body, &v) == nil {
		if ref := decodeReference(t, body, &Values{}); !reflect.DeepEqual(&v, ref) {
			t.Fatalf("%x: DecodeValues\n%#v\nreference\n%#v", body, v, ref)
		}
	}
}

// FuzzBodyCodec decodes arbitrary bodies as batches, results and values: the decoders refuse what does
// not fit without panicking, read what they accept as reflection reads the reference messages,
// and what they read encodes to bytes that read back to the same message (empty lists aside,
// which are omitted: the second encoding equals the first).
func FuzzBodyCodec(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 8 {
		body, err := AppendBatch(nil, fullBatch(r))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
		if body, err = AppendResults(nil, fullResults(r)); err != nil {
			f.Fatal(err)
		}
		f.Add(body)
		f.Add(AppendValues(nil, randomValues(r)))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkAgainstReference(t, body)
		for _, msg := range []any{&Batch{}, &Results{}, &Values{}} {
			if DecodeMessage(body, msg) != nil {
				continue
			}
			first, err := EncodeMessage(msg)
			if err != nil {
				t.Fatalf("decoded %#v does not encode: %v", msg, err)
			}
			again := reflect.New(reflect.TypeOf(msg).Elem()).Interface()
			if err := DecodeMessage(first, again); err != nil {
				t.Fatalf("%#v encoded as %x does not decode: %v", msg, first, err)
			}
			second, err := EncodeMessage(again)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Fatalf("%#v encodes as %x, then as %x", msg, first, second)
			}
		}
	})
}

// BenchmarkBodyCodecBatch encodes and decodes a batch of 1000 tasks with a small argument each.
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

// BenchmarkBodyCodecBatchReflection is BenchmarkBodyCodecBatch by msgpack's reflection, for
// comparison.
func BenchmarkBodyCodecBatchReflection(b *testing.B) {
	batch := &refBatch{Job: 1}
	for k := range 1000 {
		batch.Tasks = append(batch.Tasks, refTask{Key: uint64(1000 + k), Job: 1, Fn: 1, Args: []refArg{{Body: []byte{byte(k % 100)}}}, Send: SendIfSmall})
	}
	b.ReportAllocs()
	for b.Loop() {
		body, err := wire.EncodeMessage(batch)
		if err != nil {
			b.Fatal(err)
		}
		var back refBatch
		if err := wire.DecodeMessage(body, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBodyCodecGather is the batch of a task gathering 500k small values.
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
