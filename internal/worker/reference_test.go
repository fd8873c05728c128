package worker

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// The reference messages: the same fields and tags as Batch, Results and Values and their
// elements, without any hand-written codec, so that msgpack encodes and decodes them by
// reflection. They are the oracle of the body codecs (bodycodec_test.go): the bytes of these
// messages are the wire format, which peers of other versions read and write.
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
		Job       uint32        `msgpack:"j,omitempty"`
		Functions []FunctionDef `msgpack:"f,omitempty"`
		Puts      []refPut      `msgpack:"p,omitempty"`
		Peers     []PeerSource  `msgpack:"q,omitempty"`
		Tasks     []refTask     `msgpack:"t,omitempty"`
		Release   []uint64      `msgpack:"r,omitempty"`
		Finished  []uint32      `msgpack:"x,omitempty"`
		Store     *StoreSpec    `msgpack:"st,omitempty"`
		NoRelay   bool          `msgpack:"o,omitempty"`
	}
	refResults struct {
		Items    []refResult `msgpack:"r"`
		Stopping bool        `msgpack:"x,omitempty"`
		Dropped  []TaskRef   `msgpack:"d,omitempty"`
	}
	refValues struct {
		Puts []refPut `msgpack:"p"`
	}
)

// copyFields copies src into dst field by field, by name: a real message into its reference
// or back (their layouts agree: TestReferenceLayout).
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

// TestReferenceLayout: the reference messages have the fields and tags of the real ones, so that
// a field added to a message is added to its reference (and to its codec) too.
func TestReferenceLayout(t *testing.T) {
	pairs := [][2]any{{Task{}, refTask{}}, {Arg{}, refArg{}}, {Result{}, refResult{}}, {Put{}, refPut{}},
		{Batch{}, refBatch{}}, {Results{}, refResults{}}, {Values{}, refValues{}}}
	for _, p := range pairs {
		a, b := reflect.TypeOf(p[0]), reflect.TypeOf(p[1])
		if a.NumField() != b.NumField() {
			t.Fatalf("%s has %d fields, its reference %d: update its codec (bodycodec.go) and this test", a, a.NumField(), b.NumField())
		}
		for k := range a.NumField() {
			fa, fb := a.Field(k), b.Field(k)
			if fa.Name != fb.Name || fa.Tag != fb.Tag {
				t.Fatalf("%s field %d is %s %q, its reference's %s %q: update its codec (bodycodec.go) and this test", a, k, fa.Name, fa.Tag, fb.Name, fb.Tag)
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

// randomValues is a random answer to a fetch: puts of kept values, and of keys not held (an
// empty type, no body).
func randomValues(r *rand.Rand) *Values {
	v := &Values{Puts: randomBatch(r).Puts}
	if r.IntN(4) == 0 {
		v.Puts = append(v.Puts, Put{Key: randomUint(r)})
	}
	switch r.IntN(8) {
	case 0:
		v.Puts = nil
	case 1:
		v.Puts = []Put{}
	case 2:
		v.Puts = make([]Put, 17) // a 16-bit array length
	}
	return v
}

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

// fullResults is randomResults with every field of a Results set at random.
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

// encodeReference encodes msg (a *Batch, *Results or *Values) by reflection, as its reference
// message.
func encodeReference(t testing.TB, msg any) []byte {
	t.Helper()
	ref := reflect.New(referenceOf(t, msg))
	copyFields(ref.Elem(), reflect.ValueOf(msg).Elem())
	body, err := wire.EncodeMessage(ref.Interface())
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// decodeReference decodes body by reflection into msg's reference message, returned as msg's
// type (a pointer); nil when reflection refuses body.
func decodeReference(t testing.TB, body []byte, msg any) any {
	t.Helper()
	ref := reflect.New(referenceOf(t, msg))
	if err := wire.DecodeMessage(body, ref.Interface()); err != nil {
		return nil
	}
	back := reflect.New(reflect.TypeOf(msg).Elem())
	copyFields(back.Elem(), ref.Elem())
	return back.Interface()
}

func referenceOf(t testing.TB, msg any) reflect.Type {
	t.Helper()
	switch msg.(type) {
	case *Batch:
		return reflect.TypeFor[refBatch]()
	case *Results:
		return reflect.TypeFor[refResults]()
	case *Values:
		return reflect.TypeFor[refValues]()
	}
	t.Fatalf("no reference message for %T", msg)
	return nil
}
