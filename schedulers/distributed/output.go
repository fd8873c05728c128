package distributed

import (
	"bytes"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

// What tasks write on the workers reaches the client that submitted them: the worker's result
// carries it to the scheduler (see worker.OutputCapture), which sends it on to the client in a
// taskOutput message, before the task's event; the client writes it tagged with the task's key.

// kindTaskOutput is the scheduler telling a client what one of its tasks wrote.
const kindTaskOutput byte = 62

// taskOutput is a task's output records (worker.EachOutputLine reads them).
type taskOutput struct {
	Job    uint64 `msgpack:"j"`
	Task   int32  `msgpack:"t"`
	Output []byte `msgpack:"o"`
}

var _ cluster.OutputRelay = (*remoteJob)(nil)

// TaskOutput sends what a task wrote to the client.
func (rj *remoteJob) TaskOutput(i int32, out []byte) {
	rj.sess.send(kindTaskOutput, &taskOutput{Job: rj.id, Task: i, Output: bytes.Clone(out)}, nil)
}

// taskOutput writes what a task of one of this client's computations wrote.
func (cl *Client) taskOutput(body []byte) error {
	var m taskOutput
	if err := decodeMessage(body, &m); err != nil {
		return err
	}
	if j := cl.job(m.Job); j != nil {
		j.pj.TaskOutput(m.Task, m.Output)
	}
	return nil
}
