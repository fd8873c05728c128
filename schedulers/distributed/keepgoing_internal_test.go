package distributed

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
)

func TestKeptFailuresTravelInFinished(t *testing.T) {
	in := &cluster.Failures{
		Failed: []cluster.TaskFailure{
			{Task: 3, Record: &wire.ErrorRecord{Message: "boom", Attempts: 2}},
			{Task: 5, Err: errors.New("worker died 3 times while running it")},
			{Task: 6, Err: errors.Join(cluster.ErrWorkerDied, errors.New("last: gone"))},
		},
		Skipped: []cluster.Skip{{Task: 4, Cause: 3}, {Task: 7, Cause: 4}},
	}
	m := &finished{Job: 1, Task: -1}
	m.KeptFailed, m.Skipped = describeKept(in)
	body, err := encodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	var back finished
	if err := decodeMessage(body, &back); err != nil {
		t.Fatal(err)
	}
	var out *cluster.Failures
	if err := finishedError(&back); !errors.As(err, &out) {
		t.Fatalf("finished message gives %v; want *cluster.Failures", err)
	}
	if !reflect.DeepEqual(out.Skipped, in.Skipped) || len(out.Failed) != 3 {
		t.Fatalf("got %+v", out)
	}
	if r := out.Failed[0].Record; r == nil || r.Message != "boom" || r.Attempts != 2 {
		t.Errorf("failed task's record: %+v", r)
	}
	if out.Failed[1].Err == nil || out.Failed[1].Err.Error() != in.Failed[1].Err.Error() {
		t.Errorf("coordinator's failure: %v", out.Failed[1].Err)
	}
	if !errors.Is(out.Failed[2].Err, cluster.ErrWorkerDied) {
		t.Errorf("worker death %v does not match ErrWorkerDied", out.Failed[2].Err)
	}
	if err := finishedError(&finished{Job: 1, Task: -1}); err != nil {
		t.Errorf("a computation without failures ends with %v", err)
	}
}

func TestKeepGoingFuturesRefused(t *testing.T) {
	m := &submit{ArgStart: []int32{0}, KeepGoing: true, Persist: true}
	if err := validateSubmit(m); !errors.Is(err, cluster.ErrInvalidGraph) || !strings.Contains(err.Error(), "futures cannot keep going") {
		t.Fatalf("got %v; want ErrInvalidGraph refusing futures that keep going", err)
	}
	m.Persist = false
	if err := validateSubmit(m); err != nil {
		t.Fatalf("keep-going submission refused: %v", err)
	}
}
