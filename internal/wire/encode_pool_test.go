package wire

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// Encode reuses its writers: a body it returned must stay as it was through later encodings,
// small ones (copied out of the writer) and large ones (the writer's own buffer) alike.
func TestEncodeBodiesDoNotAlias(t *testing.T) {
	type enc struct {
		body []byte
		want []byte
	}
	var got []enc
	for i, x := range []any{7, "short", strings.Repeat("x", 2*pooledBody), -3, strings.Repeat("y", 10), map[string]int{"a": 1}} {
		v, err := Encode(x, reflect.TypeOf(x))
		if err != nil {
			t.Fatal(i, err)
		}
		got = append(got, enc{v.Body, bytes.Clone(v.Body)})
	}
	for i, g := range got {
		if !bytes.Equal(g.body, g.want) {
			t.Errorf("body %d changed by later encodings", i)
		}
	}
	for i, x := range []any{7, strings.Repeat("x", 2*pooledBody)} {
		v, err := Encode(x, reflect.TypeOf(x))
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(v, reflect.TypeOf(x))
		if err != nil || !reflect.DeepEqual(back, x) {
			t.Errorf("value %d: decoded %v (%v)", i, back, err)
		}
	}
}
