package processes

import (
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// encodeMessage encodes a frame body.
func encodeMessage(msg any) ([]byte, error) { return appendMessage(nil, msg) }

// appendMessage appends a frame body to dst. Batches and results, a message per chunk of tasks,
// go through worker's body codecs; the rest through msgpack.
func appendMessage(dst []byte, msg any) ([]byte, error) {
	switch m := msg.(type) {
	case *worker.Batch:
		return worker.AppendBatch(dst, m)
	case *worker.Results:
		return worker.AppendResults(dst, m)
	}
	return wire.AppendMessage(dst, msg)
}

// decodeMessage decodes a frame body into msg, refusing malformed bodies without panicking.
// Decoded batches and results share the body's memory (worker.DecodeBatch): frame bodies are
// never reused.
func decodeMessage(body []byte, msg any) error {
	switch m := msg.(type) {
	case *worker.Batch:
		return worker.DecodeBatch(body, m)
	case *worker.Results:
		return worker.DecodeResults(body, m)
	}
	return wire.DecodeMessage(body, msg)
}
