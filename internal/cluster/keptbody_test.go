package cluster

import (
	"bytes"
	"testing"
)

// A result kept by the coordinator does not hold its frame: a body of up to keptCopyLimit bytes is
// its own copy, which later writes to the frame (or its being collected) do not touch.
func TestKeptBodyLetsItsFrameGo(t *testing.T) {
	frame := bytes.Repeat([]byte{7}, 64<<10)
	body := frame[100:5100:5100] // 5,000 bytes: above smallLimit, so kept as an Encoded
	kept := keptBody(body)
	clear(frame)
	if !bytes.Equal(kept, bytes.Repeat([]byte{7}, 5000)) {
		t.Fatal("the kept body changed with its frame: it still shares the frame's memory")
	}

	large := make([]byte, keptCopyLimit+1)
	if got := keptBody(large); &got[0] != &large[0] {
		t.Fatal("a body larger than keptCopyLimit was copied; it is most of its frame")
	}
	if got := keptBody(nil); got != nil {
		t.Fatalf("keptBody(nil) = %v, want nil", got)
	}
}
