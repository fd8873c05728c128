package wire

import (
	"bytes"
	"testing"
)

// TestAppendMessageReusesRoom checks that AppendMessage writes what EncodeMessage writes, into
// the room of the buffer it is given, whatever that buffer held before.
func TestAppendMessageReusesRoom(t *testing.T) {
	type msg struct {
		Key  uint64 `msgpack:"k"`
		Body []byte `msgpack:"b,omitempty"`
	}
	buf := make([]byte, 0, 1<<10)
	for k, m := range []msg{{Key: 1}, {Key: 300, Body: bytes.Repeat([]byte{7}, 100)}, {Key: 2}, {Key: 3, Body: bytes.Repeat([]byte{8}, 4000)}} {
		want, err := EncodeMessage(&m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendMessage(buf[:0], &m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("message %d: appended %x, encoded %x", k, got, want)
		}
		if len(want) <= cap(buf) && &got[0] != &buf[:1][0] {
			t.Errorf("message %d (%d bytes) did not use the %d bytes of room given", k, len(want), cap(buf))
		}
	}
}
