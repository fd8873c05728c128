package worker

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// TestMessagesKeepTheirBytes: whichever codec encodes a message, its bytes are those of its
// reference (batches, results, values) or of msgpack's reflection (the rest), so that peers of
// earlier versions, which encoded every message through msgpack, read them.
func TestMessagesKeepTheirBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 500 {
		b, rs := fullBatch(r), fullResults(r)
		for _, msg := range []any{b, rs, randomValues(r)} {
			got, err := AppendMessage([]byte{7}, msg)
			if err != nil {
				t.Fatal(err)
			}
			if want := encodeReference(t, msg); !bytes.Equal(got[1:], want) || got[0] != 7 {
				t.Fatalf("%T: AppendMessage wrote\n%x\nreference\n%x", msg, got, want)
			}
			back := reflect.New(reflect.TypeOf(msg).Elem()).Interface()
			if err := DecodeMessage(got[1:], back); err != nil {
				t.Fatalf("%T: %v", msg, err)
			}
			if ref := decodeReference(t, got[1:], msg); !reflect.DeepEqual(back, ref) {
				t.Fatalf("%T: DecodeMessage read\n%#v\nreference\n%#v", msg, back, ref)
			}
		}
		// Messages given by value go through the same codecs.
		vals := randomValues(r)
		for _, pair := range [][2]any{{*b, b}, {*rs, rs}, {*vals, vals}} {
			byValue, err := EncodeMessage(pair[0])
			if err != nil {
				t.Fatal(err)
			}
			if want := encodeReference(t, pair[1]); !bytes.Equal(byValue, want) {
				t.Fatalf("%T by value: %x, reference %x", pair[0], byValue, want)
			}
		}
	}
	for _, msg := range []any{&Hello{Protocol: Protocol, BuildID: "b", PID: 3}, &Fetch{Keys: []uint64{1}, Types: []string{"int"}},
		&Cancel{Job: 4}, &MemoryReport{Limit: 1, RSS: 2, Paused: true}} {
		got, err := EncodeMessage(msg)
		if err != nil {
			t.Fatal(err)
		}
		want, err := wire.EncodeMessage(msg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%T: %x, by msgpack %x", msg, got, want)
		}
	}
}

// TestDecodeMessageErrors: a malformed batch, results or values is an error that says which message it
// was and matches wire.ErrMalformedValue, as msgpack's errors for the other messages do.
func TestDecodeMessageErrors(t *testing.T) {
	for _, msg := range []any{&Batch{}, &Results{}, &Values{}, &Hello{}} {
		err := DecodeMessage([]byte{0x81, 0xa1}, msg)
		if err == nil || !errors.Is(err, wire.ErrMalformedValue) {
			t.Fatalf("%T: a cut body gave %v", msg, err)
		}
		if name := reflect.TypeOf(msg).Elem().Name(); !strings.Contains(err.Error(), name) {
			t.Errorf("%T: %q does not name the message", msg, err)
		}
	}
}
