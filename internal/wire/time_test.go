package wire

import (
	"reflect"
	"testing"
	"time"
)

// A time keeps its location through the wire: msgpack alone gave every time the receiver's
// local location, so a UTC time came back different.
func TestTimesKeepTheirLocation(t *testing.T) {
	instant := time.Date(2024, 3, 10, 12, 30, 15, 123456789, time.UTC)
	fixed := time.FixedZone("UTC+2", 2*3600)
	cases := []time.Time{
		instant,
		instant.In(time.Local),
		instant.In(fixed),
		{},
	}
	for _, want := range cases {
		for _, static := range []reflect.Type{reflect.TypeFor[time.Time](), reflect.TypeFor[any]()} {
			v, err := Encode(want, static)
			if err != nil {
				t.Fatalf("encode %v: %v", want, err)
			}
			got, err := Decode(v, static)
			if err != nil {
				t.Fatalf("decode %v: %v", want, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%v as %v came back %v (location %v)", want, static, got, got.(time.Time).Location())
			}
		}
	}
	if loc, err := time.LoadLocation("America/New_York"); err == nil {
		want := instant.In(loc)
		v, _ := Encode(want, reflect.TypeFor[time.Time]())
		got, err := Decode(v, reflect.TypeFor[time.Time]())
		if err != nil || !got.(time.Time).Equal(want) || got.(time.Time).Location().String() != "America/New_York" || got.(time.Time).String() != want.String() {
			t.Errorf("%v came back %v, %v", want, got, err)
		}
	}
}
