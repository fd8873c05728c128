package wire

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// sealed has only unexported fields; it travels through RegisterCodec.
type sealed struct {
	name string
	data []float64
}

func init() {
	RegisterCodec(
		func(enc *msgpack.Encoder, s *sealed) error {
			if err := enc.EncodeArrayLen(2); err != nil {
				return err
			}
			if err := enc.EncodeString(s.name); err != nil {
				return err
			}
			return enc.Encode(s.data)
		},
		func(dec *msgpack.Decoder, s *sealed) error {
			if n, err := dec.DecodeArrayLen(); err != nil || n != 2 {
				return fmt.Errorf("sealed: %d items: %w", n, err)
			}
			var err error
			if s.name, err = dec.DecodeString(); err != nil {
				return err
			}
			return dec.Decode(&s.data)
		})
	RegisterType(reflect.TypeFor[*sealed]())
}

// TestRegisteredCodecCarriesUnexportedFields: a type registered with
// RegisterCodec is encodable although its fields are unexported, travels
// whole (its large slice as an attachment) by pointer, by value and in an
// interface slot, and a nil pointer comes back nil.
func TestRegisteredCodecCarriesUnexportedFields(t *testing.T) {
	if err := CheckEncodable(reflect.TypeFor[*sealed]()); err != nil {
		t.Fatalf("CheckEncodable: %v", err)
	}
	big := make([]float64, 1<<14)
	for i := range big {
		big[i] = float64(i)
	}
	x := &sealed{name: "s", data: big}
	v, err := Encode(x, reflect.TypeFor[*sealed]())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Attachments) != 1 {
		t.Errorf("%d attachments, want the slice as 1", len(v.Attachments))
	}
	got := roundTrip(t, x)
	if got == nil || got.name != "s" || !reflect.DeepEqual(got.data, big) {
		t.Fatalf("pointer round trip: %+v", got)
	}
	if byValue := roundTrip(t, *x); byValue.name != "s" || len(byValue.data) != len(big) {
		t.Fatalf("value round trip: %+v", byValue)
	}
	inAny := roundTrip(t, []any{x})
	if s, ok := inAny[0].(*sealed); !ok || s.name != "s" {
		t.Fatalf("interface slot: %#v", inAny[0])
	}
	if nilBack := roundTrip[*sealed](t, nil); nilBack != nil {
		t.Fatalf("nil pointer came back %+v", nilBack)
	}
}
