package distributed

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Fuzz targets for the frame kinds added by retirement (kindRetire), cluster profiles
// (kindProfileRequest, kindProfileData) and relayed task output (kindTaskOutput): each body
// goes through the same code the receiving end runs, which may refuse it but must not panic,
// hang or break the scheduler. (Memory reports, worker.KindMemory: cluster.FuzzMemoryReport.)

// retireLink is a worker link that only notes its retirement.
type retireLink struct{ retired chan string }

func (l *retireLink) Send(out *cluster.Outgoing) { out.Done(0) }
func (l *retireLink) Kill()                      {}
func (l *retireLink) Retired(reason string)      { l.retired <- reason }

var _ cluster.RetireLink = (*retireLink)(nil)

// FuzzRetireFrame: whatever a worker's retire request holds, the scheduler retires that worker
// (it holds nothing, so at once) and goes on serving.
func FuzzRetireFrame(f *testing.F) {
	for _, m := range []*retireRequest{{Reason: "w1: lifetime reached"}, {}, {Reason: string(make([]byte, 300))}} {
		body, err := encodeMessage(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte{0x81, 0xa1, 'r', 0xc0})
	s, err := NewServer(ServerOptions{Listen: "127.0.0.1:0", Token: "fuzz-token-of-16-bytes"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Fuzz(func(t *testing.T, body []byte) {
		l := &retireLink{retired: make(chan string, 1)}
		w := &cluster.Worker{Link: l, Name: "fuzz"}
		s.coord.AddWorker(w)
		s.onRetireRequest(w, body)
		select {
		case <-l.retired:
		case <-time.After(30 * time.Second):
			t.Fatal("the worker was not retired")
		}
		s.coord.WorkerDown(w, errors.New("retired"), false)
		if s.coord.Retiring(&cluster.Worker{Link: l, Name: "other"}) {
			t.Fatal("a worker never connected is retiring")
		}
	})
}

// FuzzProfileFrames: a profile request a worker receives and a profile answer the scheduler
// receives are refused or used, never a panic; profile data that parses is labelled and merged
// with the scheduler's own as ClusterProfile does.
func FuzzProfileFrames(f *testing.F) {
	own := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10000000,
	}
	fn := &profile.Function{ID: 1, Name: "main.f"}
	loc := &profile.Location{ID: 1, Line: []profile.Line{{Function: fn, Line: 3}}}
	own.Function, own.Location = []*profile.Function{fn}, []*profile.Location{loc}
	own.Sample = []*profile.Sample{{Location: []*profile.Location{loc}, Value: []int64{1, 10000000}}}
	var ownData bytes.Buffer
	if err := own.Write(&ownData); err != nil {
		f.Fatal(err)
	}
	for _, m := range []any{&profileRequest{ID: 1, Nanos: int64(time.Second)},
		&profileData{ID: 1, Data: ownData.Bytes()}, &profileData{ID: 2, Err: "no"}} {
		body, err := encodeMessage(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req profileRequest
		_ = decodeMessage(body, &req)

		// The scheduler's side: the hub hands the answer to the profile waiting for it.
		var h profileHub
		c := &conn{}
		remove := h.addWorker(c, "w")
		wait := &profileWait{replies: make(chan profileReply, 1), left: map[*conn]string{c: "w"}}
		var m profileData
		if decodeMessage(body, &m) == nil {
			h.mu.Lock()
			h.waiting = map[uint64]*profileWait{m.ID: wait}
			h.mu.Unlock()
		}
		if err := h.deliver(c, body); err != nil {
			remove()
			return
		}
		remove()
		r := <-wait.replies
		if r.err != nil {
			return
		}
		p, err := parseProfile(r.data)
		if err != nil {
			return
		}
		mine, err := parseProfile(ownData.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		labelSamples(p, r.worker)
		labelSamples(mine, "scheduler")
		if merged, err := profile.Merge([]*profile.Profile{mine, p}); err == nil {
			_ = merged.Write(&bytes.Buffer{})
		}
	})
}

// FuzzTaskOutput: a task's relayed output as the client receives it (kindTaskOutput) and as
// the scheduler receives it in a worker's results: every line written is one of the records'
// lines, tagged, and nothing else is written.
func FuzzTaskOutput(f *testing.F) {
	out := []byte{worker.Stdout}
	out = append(out, "hello\n"...)
	out = append(out, worker.Stderr)
	out = append(out, "warning\n"...)
	for _, m := range []any{&taskOutput{Job: 1, Task: 2, Output: out},
		&worker.Results{Items: []worker.Result{{Output: out}}}, &taskOutput{Output: []byte{9, '\n'}}} {
		body, err := encodeMessage(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var outputs [][]byte
		var m taskOutput
		if decodeMessage(body, &m) == nil {
			outputs = append(outputs, m.Output)
		}
		var res worker.Results
		if decodeMessage(body, &res) == nil {
			for _, r := range res.Items {
				outputs = append(outputs, r.Output)
			}
		}
		for _, o := range outputs {
			lines := 0
			worker.EachOutputLine(o, func(s byte, line []byte) {
				if s != worker.Stdout && s != worker.Stderr || bytes.IndexByte(line, '\n') >= 0 {
					t.Fatalf("record of stream %d with line %q", s, line)
				}
				lines++
			})
			var stdout, stderr bytes.Buffer
			worker.RelayOutput(o, "k", &stdout, &stderr)
			if n := bytes.Count(stdout.Bytes(), []byte("\n")) + bytes.Count(stderr.Bytes(), []byte("\n")); n != lines {
				t.Fatalf("%d lines relayed for %d records", n, lines)
			}
			for _, b := range [][]byte{stdout.Bytes(), stderr.Bytes()} {
				for _, line := range bytes.SplitAfter(b, []byte("\n")) {
					if len(line) > 0 && !bytes.HasPrefix(line, []byte("[k] ")) {
						t.Fatalf("relayed line %q is not tagged", line)
					}
				}
			}
		}
	})
}
