package processes

import (
	"encoding/binary"
	"io"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// header is a frame header of this package's layout.
func header(total, body uint64, count uint32) []byte {
	h := make([]byte, headerSize)
	binary.LittleEndian.PutUint64(h[0:8], total)
	h[8] = 1
	binary.LittleEndian.PutUint64(h[9:17], body)
	binary.LittleEndian.PutUint32(h[17:21], count)
	return h
}

// readAfterWriting writes data on the far end of a socket pair, closes it, and reads one frame
// on the near end, reporting the bytes the read allocated.
func readAfterWriting(t *testing.T, data []byte) (uint64, error) {
	t.Helper()
	c, far, err := socketPair()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		far.SetWriteDeadline(time.Now().Add(10 * time.Second))
		far.Write(data)
		far.Close()
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = c.readFrame()
	runtime.ReadMemStats(&after)
	<-done
	return after.TotalAlloc - before.TotalAlloc, err
}

// A worker (or parent) announcing a huge frame and sending a few bytes must not make the other
// side allocate what it claims.
func TestFrameHeaderClaimsDoNotAllocate(t *testing.T) {
	const claim = 4 << 30
	inline := make([]byte, 9)
	binary.LittleEndian.PutUint64(inline, claim-headerSize-9)
	cases := map[string][]byte{
		"body":        append(header(claim, claim-headerSize, 0), make([]byte, 100)...),
		"attachment":  append(header(claim, 0, 1), append(inline, make([]byte, 100)...)...),
		"descriptors": append(header(claim, 0, 400<<20), make([]byte, 100)...),
	}
	for name, data := range cases {
		n, err := readAfterWriting(t, data)
		t.Logf("%s: a 4 GB claim with %d bytes behind it allocated %d bytes", name, len(data), n)
		if err == nil {
			t.Errorf("%s: a truncated frame was accepted", name)
		}
		if n > 4<<20 {
			t.Errorf("%s: a 4 GB claim with %d bytes behind it allocated %d bytes", name, len(data), n)
		}
	}
}

// FuzzConnFrame feeds arbitrary bytes to the frame reader of the parent-worker socket: it may
// refuse them, never panic, and allocate no more than a bounded multiple of what arrived.
func FuzzConnFrame(f *testing.F) {
	f.Add(append(header(headerSize+9+3+4, 3, 1), append([]byte{4, 0, 0, 0, 0, 0, 0, 0, 0}, "abc1234"...)...))
	f.Add(header(1<<40, 1<<39, 7))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, far, err := socketPair()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		done := make(chan struct{})
		go func() {
			defer close(done)
			far.Write(data)
			far.Close()
		}()
		for {
			// Malformed frames, truncation and EOF all end the connection.
			if _, err := c.readFrame(); err != nil {
				break
			}
		}
		<-done
	})
}

// FuzzWorkerMessages decodes arbitrary bodies as every message between the parent and its workers:
// each decoder refuses what does not fit, without panicking.
func FuzzWorkerMessages(f *testing.F) {
	for _, m := range []any{
		&worker.Hello{Protocol: 1, BuildID: "b", PID: 2},
		&worker.Batch{Job: 1, Tasks: []worker.Task{{}}},
		&worker.Results{Items: []worker.Result{{Err: &wire.ErrorRecord{Message: "m", Chain: []wire.EncodedError{{Name: "n", Data: []byte{1}}}}}}},
		&worker.Fetch{Keys: []uint64{1}, Types: []string{"int"}},
		&worker.MemoryReport{Limit: 100, RSS: 90, PeakRSS: 95, Paused: true, Running: "f k"},
		&worker.Results{Items: []worker.Result{{Output: []byte{worker.Stdout, 'o', '\n'}}}},
	} {
		body, err := encodeMessage(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, m := range []any{&worker.Hello{}, &worker.Refuse{}, &worker.Batch{}, &worker.Results{},
			&worker.Fetch{}, &worker.Values{}, &worker.Cancel{}, &worker.MemoryReport{}} {
			_ = decodeMessage(body, m)
		}
		// Batches and results have codecs of their own (worker.DecodeBatch): what they read,
		// msgpack reads the same.
		var b, bRef worker.Batch
		if decodeMessage(body, &b) == nil && wire.DecodeMessage(body, &bRef) == nil && !reflect.DeepEqual(b, bRef) {
			t.Fatalf("batch %x: decoded as\n%#v\nby msgpack as\n%#v", body, b, bRef)
		}
		var rRef worker.Results
		var r worker.Results
		if decodeMessage(body, &r) == nil && wire.DecodeMessage(body, &rRef) == nil && !reflect.DeepEqual(r, rRef) {
			t.Fatalf("results %x: decoded as\n%#v\nby msgpack as\n%#v", body, r, rRef)
		}
		if decodeMessage(body, &r) == nil {
			for _, item := range r.Items {
				if item.Err != nil {
					_ = wire.DecodeError(*item.Err)
				}
				worker.RelayOutput(item.Output, "k", io.Discard, io.Discard)
			}
		}
	})
}
