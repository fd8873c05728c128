package worker

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// The reference messages: the same fields and tags without the hand-written codecs, so that
// msgpack encodes and decodes them by reflection, as it did before codec.go.
type (
	refArg struct {
		Key  uint64 `msgpack:"k,omitempty"`
		Body []byte `msgpack:"b,omitempty"`
	}
	refTask struct {
		Key      uint64   `msgpack:"k"`
		Job      uint32   `msgpack:"j"`
		Fn       uint32   `msgpack:"f"`
		Args     []refArg `msgpack:"a,omitempty"`
		Send     Send     `msgpack:"s,omitempty"`
		Stream   []byte   `msgpack:"r,omitempty"`
		Retries  int      `msgpack:"y,omitempty"`
		Placed   bool     `msgpack:"pl,omitempty"`
		Tried    uint8    `msgpack:"tr,omitempty"`
		StoreKey string   `msgpack:"c,omitempty"`
	}
	refResult struct {
		Key         uint64            `msgpack:"k"`
		Job         uint32            `msgpack:"j"`
		Err         *wire.ErrorRecord `msgpack:"e,omitempty"`
		Sent        bool              `msgpack:"s,omitempty"`
		Body        []byte            `msgpack:"b,omitempty"`
		Attachments int               `msgpack:"a,omitempty"`
		Size        int64             `msgpack:"z,omitempty"`
		Start       int64             `msgpack:"t"`
		Stored      bool              `msgpack:"st,omitempty"`
		Elapsed     int64             `msgpack:"d"`
		Retry       bool              `msgpack:"rt,omitempty"`
		Output      []byte            `msgpack:"o,omitempty"`
	}
	refPut struct {
		Key         uint64 `msgpack:"k"`
		Type        string `msgpack:"t"`
		Body        []byte `msgpack:"b"`
		Attachments int    `msgpack:"a,omitempty"`
	}
	refBatch struct {
		Puts  []refPut  `msgpack:"p,omitempty"`
		Tasks []refTask `msgpack:"t,omitempty"`
	}
	refResults struct {
		Items []refResult `msgpack:"r"`
	}
)

// Field for field, the reference and the real messages have the same layout (checked by
// TestCodecReferenceLayout), so a conversion is a reinterpretation through reflection.
func convert[To any](t *testing.T, from any) To {
	t.Helper()
	var to To
	copyFields(reflect.ValueOf(&to).Elem(), reflect.ValueOf(from))
	return to
}

func copyFields(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Struct:
		for k := range dst.NumField() {
			copyFields(dst.Field(k), src.FieldByName(dst.Type().Field(k).Name))
		}
	case reflect.Slice:
		if src.IsNil() || src.Type().Elem().Kind() != reflect.Struct {
			if !src.IsNil() {
				dst.Set(reflect.MakeSlice(dst.Type(), src.Len(), src.Len()))
				reflect.Copy(dst, src)
			}
			return
		}
		dst.Set(reflect.MakeSlice(dst.Type(), src.Len(), src.Len()))
		for k := range src.Len() {
			copyFields(dst.Index(k), src.Index(k))
		}
	default:
		dst.Set(src.Convert(dst.Type()))
	}
}

func TestCodecReferenceLayout(t *testing.T) {
	pairs := [][2]any{{Task{}, refTask{}}, {Arg{}, refArg{}}, {Result{}, refResult{}}, {Put{}, refPut{}}}
	for _, p := range pairs {
		a, b := reflect.TypeOf(p[0]), reflect.TypeOf(p[1])
		if a.NumField() != b.NumField() {
			t.Fatalf("%s has %d fields, its reference %d: update codec.go and this test", a, a.NumField(), b.NumField())
		}
		for k := range a.NumField() {
			fa, fb := a.Field(k), b.Field(k)
			if fa.Name != fb.Name || fa.Tag != fb.Tag {
				t.Fatalf("%s field %d is %s %q, its reference's %s %q: update codec.go and this test", a, k, fa.Name, fa.Tag, fb.Name, fb.Tag)
			}
		}
	}
}

func randomBytes(r *rand.Rand) []byte {
	switch r.IntN(4) {
	case 0:
		return nil
	case 1:
		return []byte{}
	default:
		b := make([]byte, r.IntN(300))
		for k := range b {
			b[k] = byte(r.Uint32())
		}
		return b
	}
}

func randomUint(r *rand.Rand) uint64 {
	switch r.IntN(6) {
	case 0:
		return 0
	case 1:
		return uint64(r.IntN(128))
	case 2:
		return uint64(r.IntN(1 << 16))
	case 3:
		return uint64(r.Uint32())
	case 4:
		return math.MaxUint64
	default:
		return r.Uint64()
	}
}

func randomInt(r *rand.Rand) int64 {
	n := int64(randomUint(r))
	if r.IntN(2) == 0 {
		return -n
	}
	return n
}

func randomBatch(r *rand.Rand) *Batch {
	b := &Batch{}
	for range r.IntN(5) {
		task := Task{Key: randomUint(r), Job: uint32(randomUint(r)), Fn: uint32(randomUint(r)),
			Send: Send(r.IntN(3)), Stream: randomBytes(r), Retries: int(randomInt(r)),
			Placed: r.IntN(2) == 0, Tried: uint8(randomUint(r))}
		if r.IntN(3) == 0 {
			task.StoreKey = "entry-" + string(rune('a'+r.IntN(26)))
		}
		for range r.IntN(4) {
			task.Args = append(task.Args, Arg{Key: randomUint(r), Body: randomBytes(r)})
		}
		if r.IntN(5) == 0 {
			task.Args = []Arg{}
		}
		b.Tasks = append(b.Tasks, task)
	}
	for range r.IntN(4) {
		b.Puts = append(b.Puts, Put{Key: randomUint(r), Type: []string{"", "int", "[]float64"}[r.IntN(3)], Body: randomBytes(r), Attachments: int(randomInt(r))})
	}
	return b
}

func randomResults(r *rand.Rand) *Results {
	rs := &Results{}
	for range r.IntN(5) {
		res := Result{Key: randomUint(r), Job: uint32(randomUint(r)), Sent: r.IntN(2) == 0, Body: randomBytes(r),
			Attachments: int(randomInt(r)), Size: randomInt(r), Start: randomInt(r), Stored: r.IntN(2) == 0,
			Elapsed: randomInt(r), Retry: r.IntN(2) == 0, Output: randomBytes(r)}
		if r.IntN(3) == 0 {
			res.Err = &wire.ErrorRecord{Message: "boom", Panic: r.IntN(2) == 0, Stack: randomBytes(r), Attempts: int(randomInt(r))}
		}
		rs.Items = append(rs.Items, res)
	}
	return rs
}

// TestCodecMatchesReflection checks that the hand-written codecs write the bytes msgpack's
// reflection writes, and read them back to the same messages, on random messages.
func TestCodecMatchesReflection(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := randomBatch(r)
		ref := refBatch{}
		ref.Tasks = convert[[]refTask](t, b.Tasks)
		ref.Puts = convert[[]refPut](t, b.Puts)
		check(t, &Batch{Tasks: b.Tasks, Puts: b.Puts}, &ref, func() any { return &Batch{} }, func() any { return &refBatch{} })

		rs := randomResults(r)
		refRs := refResults{Items: convert[[]refResult](t, rs.Items)}
		check(t, rs, &refRs, func() any { return &Results{} }, func() any { return &refResults{} })
	}
}

func check(t *testing.T, msg, ref any, fresh, freshRef func() any) {
	t.Helper()
	got, err := wire.EncodeMessage(msg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := wire.EncodeMessage(ref)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%#v encodes as\n%x\nby reflection as\n%x", msg, got, want)
	}
	back, refBack := fresh(), freshRef()
	if err := wire.DecodeMessage(want, back); err != nil {
		t.Fatalf("decoding %#v: %v", msg, err)
	}
	if err := wire.DecodeMessage(want, refBack); err != nil {
		t.Fatal(err)
	}
	// Compare through the reference type: decoded by hand, converted, against decoded by
	// reflection.
	conv := reflect.New(reflect.TypeOf(refBack).Elem())
	copyFields(conv.Elem(), reflect.ValueOf(back).Elem())
	if !reflect.DeepEqual(conv.Interface(), refBack) {
		t.Fatalf("decoded by hand as\n%#v\nby reflection as\n%#v", conv.Interface(), refBack)
	}
}

// TestCodecReadsAnyFieldOrder checks that fields come in any order, unknown ones are skipped and
// nil is the zero message, as with reflection.
func TestCodecReadsAnyFieldOrder(t *testing.T) {
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
		Tasks []any `msgpack:"t"`
	}{Tasks: []any{reordered{Extra: "x", Fn: 7, Key: 9, Args: []struct {
		Body []byte `msgpack:"b"`
		Key  uint64 `msgpack:"k"`
	}{{Body: []byte{1}, Key: 3}}}, nil}}
	body, err := wire.EncodeMessage(in)
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	if err := wire.DecodeMessage(body, &b); err != nil {
		t.Fatal(err)
	}
	want := TaskList{{Key: 9, Fn: 7, Args: []Arg{{Key: 3, Body: []byte{1}}}}, {}}
	if !reflect.DeepEqual(b.Tasks, want) {
		t.Fatalf("decoded %#v, want %#v", b.Tasks, want)
	}
}

// TestCodecRefusesBadInput checks that malformed messages are errors, never panics.
func TestCodecRefusesBadInput(t *testing.T) {
	good, err := wire.EncodeMessage(&Batch{Tasks: []Task{{Key: 1, Args: []Arg{{Body: []byte("xyz")}}}}, Puts: []Put{{Key: 2, Type: "int", Body: []byte{1}}}})
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(good) {
		var b Batch
		if err := wire.DecodeMessage(good[:n], &b); err == nil {
			t.Errorf("a batch cut to %d of %d bytes decoded", n, len(good))
		}
	}
	asArray, err := wire.EncodeMessage(struct {
		Tasks [][]any `msgpack:"t"`
	}{Tasks: [][]any{{1, 2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	if err := wire.DecodeMessage(asArray, &b); err == nil {
		t.Error("a task encoded as an array decoded")
	}
}

func BenchmarkCodecBatch(b *testing.B) {
	batch := &Batch{Job: 1}
	for k := range 1000 {
		batch.Tasks = append(batch.Tasks, Task{Key: uint64(1000 + k), Job: 1, Fn: 1, Args: []Arg{{Body: []byte{byte(k % 100)}}}, Send: SendIfSmall})
	}
	b.ReportAllocs()
	for b.Loop() {
		body, err := wire.EncodeMessage(batch)
		if err != nil {
			b.Fatal(err)
		}
		var back Batch
		if err := wire.DecodeMessage(body, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodecBatchReflection is BenchmarkCodecBatch by reflection, as before codec.go.
func BenchmarkCodecBatchReflection(b *testing.B) {
	batch := &refBatch{}
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

// BenchmarkCodecGather is the batch of a task gathering 500k small values.
func BenchmarkCodecGather(b *testing.B) {
	batch := &Batch{Job: 1}
	for k := range 500_000 {
		batch.Puts = append(batch.Puts, Put{Key: uint64(1000 + k), Type: "int", Body: []byte{0xcd, byte(k >> 8), byte(k)}})
	}
	b.ReportAllocs()
	for b.Loop() {
		body, err := wire.EncodeMessage(batch)
		if err != nil {
			b.Fatal(err)
		}
		var back Batch
		if err := wire.DecodeMessage(body, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// An empty array decodes into a nil list as reflection decodes it: an empty slice, not nil.
func TestCodecEmptyListIsNotNil(t *testing.T) {
	b, err := msgpack.Marshal([]Task{})
	if err != nil {
		t.Fatal(err)
	}
	var tasks TaskList
	var results ResultList
	if err := msgpack.Unmarshal(b, &tasks); err != nil {
		t.Fatal(err)
	}
	if err := msgpack.Unmarshal(b, &results); err != nil {
		t.Fatal(err)
	}
	if tasks == nil || results == nil {
		t.Fatalf("empty array decoded as nil: tasks %v, results %v", tasks == nil, results == nil)
	}
}

// Lists decode into their own array: a message of n tasks or results without bodies costs a
// few allocations, not one or more per element (each element used to move to the heap).
func TestCodecListAllocations(t *testing.T) {
	const n = 1000
	tasks := make(TaskList, n)
	results := make(ResultList, n)
	for k := range n {
		tasks[k] = Task{Key: uint64(k + 1), Job: 1, Fn: 2}
		results[k] = Result{Key: uint64(k + 1), Job: 1, Size: 9, Start: int64(k), Elapsed: 60}
	}
	for _, c := range []struct {
		name string
		msg  any
		into func() any
	}{
		{"tasks", tasks, func() any { return new(TaskList) }},
		{"results", results, func() any { return new(ResultList) }},
	} {
		b, err := msgpack.Marshal(c.msg)
		if err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if err := msgpack.Unmarshal(b, c.into()); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > n/10 {
			t.Errorf("decoding %d %s: %.0f allocations, want far fewer than one per element", n, c.name, allocs)
		}
	}
}
