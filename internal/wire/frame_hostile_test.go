package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"runtime"
	"testing"
	"testing/iotest"
	"unsafe"
)

// hostileHeader is a frame header announcing total bytes: a body of body bytes and, when att is
// not zero, one attachment of att bytes whose length follows the (absent) body.
func hostileHeader(total, body uint64, count uint32) []byte {
	h := make([]byte, frameHeaderSize)
	binary.LittleEndian.PutUint64(h[0:8], total)
	h[8] = 7
	binary.LittleEndian.PutUint64(h[9:17], body)
	binary.LittleEndian.PutUint32(h[17:21], count)
	return h
}

// allocatedBy returns the bytes f allocates.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A header claiming 4 GB followed by a few bytes must cost about the bytes that arrived, not the
// bytes claimed (issue 10: a 21-byte header made the scheduler allocate 4 GB).
func TestFrameHeaderClaimsDoNotAllocate(t *testing.T) {
	const claim = 4 << 30
	att := make([]byte, 8)
	binary.LittleEndian.PutUint64(att, claim-frameHeaderSize-8)
	cases := map[string][]byte{
		"body":       append(hostileHeader(claim, claim-frameHeaderSize, 0), make([]byte, 100)...),
		"attachment": append(hostileHeader(claim, 0, 1), append(att, make([]byte, 100)...)...),
		"count":      append(hostileHeader(claim, 0, maxAttachments), make([]byte, 100)...),
	}
	for name, data := range cases {
		var err error
		n := allocatedBy(func() { _, err = ReadFrame(bytes.NewReader(data), 0) })
		t.Logf("%s: a 4 GB claim with %d bytes behind it allocated %d bytes", name, len(data), n)
		if !errors.Is(err, ErrMalformedFrame) {
			t.Errorf("%s: err = %v, want ErrMalformedFrame (truncated)", name, err)
		}
		if n > 1<<20 {
			t.Errorf("%s: a 4 GB claim with 100 bytes behind it allocated %d bytes", name, n)
		}
	}
}

func TestPerKindFrameLimits(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, &Frame{Kind: 3, Body: make([]byte, 2000)}); err != nil {
		t.Fatal(err)
	}
	limits := func(kind byte) int64 {
		if kind == 3 {
			return 1024
		}
		return 0
	}
	if _, err := ReadFrameWith(bytes.NewReader(buf.Bytes()), limits); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("kind 3 over its limit: %v, want ErrFrameTooLarge", err)
	}
	buf.Bytes()[8] = 4
	if _, err := ReadFrameWith(bytes.NewReader(buf.Bytes()), limits); err != nil {
		t.Errorf("kind 4: %v", err)
	}
}

// Frames that grow their buffers on the way in arrive intact and aligned, however the bytes are
// split.
func TestGrowingFramesArriveIntact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, growStep - 1, growStep, growStep + 1, 3*growStep + 5, 1 << 20} {
		body := make([]byte, size)
		att := make([]byte, size+3)
		for i := range body {
			body[i] = byte(rng.Uint32())
		}
		for i := range att {
			att[i] = byte(rng.Uint32())
		}
		var buf bytes.Buffer
		if err := WriteFrame(&buf, &Frame{Kind: 9, Body: body, Attachments: [][]byte{att, body}}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []func() *bytes.Reader{func() *bytes.Reader { return bytes.NewReader(buf.Bytes()) }} {
			f, err := ReadFrame(iotest.HalfReader(r()), 0)
			if err != nil {
				t.Fatalf("size %d: %v", size, err)
			}
			if !bytes.Equal(f.Body, body) || len(f.Attachments) != 2 || !bytes.Equal(f.Attachments[0], att) || !bytes.Equal(f.Attachments[1], body) {
				t.Fatalf("size %d: frame changed on the way", size)
			}
			for _, a := range f.Attachments {
				if len(a) > 0 && uintptr(unsafe.Pointer(&a[0]))%8 != 0 {
					t.Errorf("size %d: attachment not 8-byte aligned", size)
				}
			}
		}
	}
}
