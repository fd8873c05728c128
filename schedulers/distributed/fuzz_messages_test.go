package distributed

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// FuzzMessages decodes arbitrary bodies as every message of the protocol: each decoder refuses
// what does not fit without panicking, and a submission that passes validateSubmit is one the
// coordinator's graph accepts.
func FuzzMessages(f *testing.F) {
	for _, m := range []any{
		&submit{Job: 1, ArgStart: []int32{0, 0, 1}, Args: []int32{0}, Funcs: []int32{-1, 0},
			Functions: []cluster.Function{{Name: "f", Result: "int"}}, Outputs: []int32{1},
			Data: []dataEntry{{Task: 0, Type: "int", Body: []byte{1}}}},
		&finished{Job: 2, Failed: true, Task: 3, Record: &wire.ErrorRecord{Message: "m", Chain: []wire.EncodedError{{Name: "n", Data: []byte{1}}}}},
		&events{Job: 1, Items: []taskEvent{{Task: 1, Err: &wire.ErrorRecord{Message: "x"}}}},
		&hello{Role: roleClient, Fingerprint: "f"},
		&localDone{Job: 1, Task: 2, Value: localValue{Type: "int", Body: []byte{1}}},
		&forget{Keys: []uint64{1, 2}},
		&workerDied{Request: 1, Death: worker.ProcessDeath{PID: 7, Code: -1, Signal: 9,
			Memory: &worker.MemoryReport{Limit: 100, RSS: 90}}},
		&worker.Batch{Job: 1, Puts: []worker.Put{{Key: 2, Type: "int", Body: []byte{1}}},
			Tasks: []worker.Task{{Key: 3, Job: 1, Fn: 1, Args: []worker.Arg{{Key: 2}, {Body: []byte{5}}}, Stream: make([]byte, 32)}}},
		&worker.Results{Items: []worker.Result{{Key: 3, Job: 1, Sent: true, Body: []byte{1}, Err: &wire.ErrorRecord{Message: "m"}}}},
	} {
		body, err := encodeMessage(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, m := range []any{&challenge{}, &response{}, &welcome{}, &refusal{}, &hello{}, &clusterInfo{},
			&submit{}, &output{}, &events{}, &finished{}, &cancelJob{}, &localRun{}, &localDone{},
			&scatter{}, &stored{}, &forget{}, &workerDied{}, &worker.Batch{}, &worker.Results{}, &worker.Values{},
			&worker.Fetch{}, &worker.Cancel{}, &worker.MemoryReport{}, &worker.Hello{}} {
			_ = decodeMessage(body, m)
		}
		// A nanny's death report (kind 63), however odd, describes itself without panicking.
		var died workerDied
		if decodeMessage(body, &died) == nil {
			_ = died.Death.Error()
			_ = died.Death.LikelyOutOfMemory()
		}
		var m submit
		if decodeMessage(body, &m) != nil || validateSubmit(&m) != nil {
			return
		}
		if _, err := cluster.NewGraph(m.ArgStart, m.Args, m.Funcs, m.Functions, m.Outputs); err != nil {
			t.Errorf("a validated submission is refused by the graph: %v", err)
		}
	})
}

// FuzzHandshake plays a hostile listener: whatever it sends, the dialer's side of the handshake
// returns (an error, unless the bytes happen to prove the token) without panicking or hanging.
func FuzzHandshake(f *testing.F) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ln.Close() })
	ch, _ := encodeMessage(&challenge{Protocol: protocol, Nonce: make([]byte, 32)})
	var good []byte
	{
		var buf writerBuffer
		_ = wire.WriteFrame(&buf, &wire.Frame{Kind: kindChallenge, Body: ch})
		good = buf
	}
	f.Add(good)
	f.Add(append(good, good...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}()
		raw, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		hostile, ok := <-accepted
		if !ok {
			t.Fatal("accept failed")
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			hostile.SetDeadline(time.Now().Add(5 * time.Second))
			hostile.Write(data)
			hostile.(*net.TCPConn).CloseWrite()
			io.Copy(io.Discard, hostile)
			hostile.Close()
		}()
		c := newConn(raw)
		start := time.Now()
		_ = authenticate(c, "fuzz-token", roleClient)
		c.Close()
		<-done
		if time.Since(start) > 2*handshakeTimeout {
			t.Fatalf("the handshake took %v", time.Since(start))
		}
	})
}

type writerBuffer []byte

func (b *writerBuffer) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	return len(p), nil
}
