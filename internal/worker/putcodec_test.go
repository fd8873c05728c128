package worker

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// TestPutCodecMatchesReference: Put's msgpack codec, inside a Values message encoded by
// reflection, writes the bytes reflection writes for the reference and reads them back as
// reflection does.
func TestPutCodecMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		vals := &Values{Puts: randomBatch(r).Puts}
		if r.IntN(5) == 0 {
			vals.Puts = append(vals.Puts, Put{})
		}
		want := encodeReference(t, vals)
		got, err := wire.EncodeMessage(vals)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%#v encodes as\n%x\nreference\n%x", vals, got, want)
		}
		var back Values
		if err := wire.DecodeMessage(want, &back); err != nil {
			t.Fatalf("decoding %x: %v", want, err)
		}
		if ref := decodeReference(t, want, &Values{}); !reflect.DeepEqual(&back, ref) {
			t.Fatalf("decoded as\n%#v\nreference\n%#v", back, ref)
		}
	}
}

// TestPutCodecReadsAnyFieldOrder: fields in any order, unknown ones skipped, nil the zero Put.
func TestPutCodecReadsAnyFieldOrder(t *testing.T) {
	type reordered struct {
		Attachments int    `msgpack:"a"`
		Extra       string `msgpack:"zz"`
		Body        []byte `msgpack:"b"`
		Type        string `msgpack:"t"`
		Key         uint64 `msgpack:"k"`
	}
	body, err := wire.EncodeMessage(struct {
		Puts []any `msgpack:"p"`
	}{Puts: []any{reordered{Attachments: 2, Extra: "x", Body: []byte{1}, Type: "int", Key: 9}, nil}})
	if err != nil {
		t.Fatal(err)
	}
	var v Values
	if err := wire.DecodeMessage(body, &v); err != nil {
		t.Fatal(err)
	}
	want := Values{Puts: []Put{{Key: 9, Type: "int", Body: []byte{1}, Attachments: 2}, {}}}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("decoded %#v, want %#v", v, want)
	}
}

// TestPutCodecRefusesBadInput: cut values and a put encoded as an array are errors, never
// panics.
func TestPutCodecRefusesBadInput(t *testing.T) {
	good, err := wire.EncodeMessage(&Values{Puts: []Put{{Key: 2, Type: "int", Body: []byte{1}, Attachments: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(good) {
		var v Values
		if err := wire.DecodeMessage(good[:n], &v); err == nil {
			t.Errorf("values cut to %d of %d bytes decoded", n, len(good))
		}
	}
	asArray, err := wire.EncodeMessage(struct {
		Puts [][]any `msgpack:"p"`
	}{Puts: [][]any{{1, "int", []byte{1}}}})
	if err != nil {
		t.Fatal(err)
	}
	var v Values
	if err := wire.DecodeMessage(asArray, &v); err == nil {
		t.Error("a put encoded as an array decoded")
	}
}
