package dataframe

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// panicProbe decodes a frame and records a panic of the decoder, which
// wire.Decode would otherwise turn into an error.
type panicProbe struct{ frame Frame }

var probePanic string

func (p *panicProbe) DecodeMsgpack(dec *msgpack.Decoder) error {
	defer func() {
		if r := recover(); r != nil {
			probePanic = fmt.Sprintf("%v\n%s", r, debug.Stack())
			panic(r)
		}
	}()
	return decodeFrame(dec, &p.frame)
}

// FuzzDecodeFrame feeds the frame decoder arbitrary bodies and an
// arbitrary attachment. It must never panic; its errors must wrap
// ErrMalformed (or be the codec's own structure errors); and a frame it
// accepts must be consistent and encode back to the same frame.
func FuzzDecodeFrame(f *testing.F) {
	seeds := []*Frame{wireFrame(f), wireFrame(f).Head(2), mustFrame(f), bigFrame(f, 70)}
	if v, err := bigFrame(f, 70).Take([]int{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}); err == nil {
		seeds = append(seeds, v)
	}
	for _, s := range seeds {
		v, err := wire.Encode(s, reflect.TypeFor[*Frame]())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(v.Body, []byte(nil))
	}
	// A body referring to an attachment.
	big := bigFrame(f, 9000)
	if v, err := wire.Encode(big.columns[0], reflect.TypeFor[*Column]()); err == nil && len(v.Attachments) == 1 {
		f.Add(v.Body, v.Attachments[0][:1024])
	}
	probeType := reflect.TypeFor[*panicProbe]()
	f.Fuzz(func(t *testing.T, body, attachment []byte) {
		var atts [][]byte
		if attachment != nil {
			atts = [][]byte{attachment}
		}
		probePanic = ""
		got, err := wire.Decode(wire.Value{Body: body, Attachments: atts}, probeType)
		if probePanic != "" {
			t.Fatalf("decoder panicked: %s", probePanic)
		}
		if err != nil {
			if !errors.Is(err, wire.ErrMalformedValue) {
				t.Fatalf("error does not wrap wire.ErrMalformedValue: %v", err)
			}
			return
		}
		p, _ := got.(*panicProbe)
		if p == nil {
			return // a msgpack nil
		}
		fr := &p.frame
		for _, c := range fr.columns {
			if c.Len() != fr.baseLen {
				t.Fatalf("column %q has %d rows, frame %d", c.Name(), c.Len(), fr.baseLen)
			}
		}
		for _, r := range fr.rows {
			if r < 0 || r >= fr.baseLen {
				t.Fatalf("row %d outside [0, %d)", r, fr.baseLen)
			}
		}
		if fr.NumRows() < 1000 {
			_ = fr.String()
		}
		again := wireRoundTrip(t, fr)
		if d := frameDiff(fr, again); d != "" {
			t.Fatalf("accepted frame does not survive a second trip: %s", d)
		}
	})
}
