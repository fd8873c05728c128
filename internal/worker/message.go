package worker

import (
	"fmt"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// The frame bodies of the worker protocol, for both schedulers that speak it (processes and
// distributed): batches and results, a message per chunk of tasks, and values, a put per value
// fetched, go through the body codecs (bodycodec.go); every other message through msgpack's
// reflection (wire.AppendMessage). Both write the same bytes for these messages, so which one a
// peer uses does not show on the wire.

// EncodeMessage encodes msg as a frame body.
func EncodeMessage(msg any) ([]byte, error) { return AppendMessage(nil, msg) }

// AppendMessage appends msg encoded as a frame body to dst, using dst's room.
func AppendMessage(dst []byte, msg any) ([]byte, error) {
	switch m := msg.(type) {
	case *Batch:
		return AppendBatch(dst, m)
	case Batch:
		return AppendBatch(dst, &m)
	case *Results:
		return AppendResults(dst, m)
	case Results:
		return AppendResults(dst, &m)
	case *Values:
		return AppendValues(dst, m), nil
	case Values:
		return AppendValues(dst, &m), nil
	}
	return wire.AppendMessage(dst, msg)
}

// DecodeMessage decodes a frame body into msg, refusing malformed bodies with an error matching
// wire.ErrMalformedValue, never panicking.
//
// A decoded Batch, Results or Values shares body's memory (see DecodeBatch): body must be neither
// modified nor reused while the message, or any byte slice taken from it, is in use. Frame
// bodies read by wire.ReadFrame are fresh buffers, never reused, so that holds for them.
func DecodeMessage(body []byte, msg any) error {
	var err error
	switch m := msg.(type) {
	case *Batch:
		err = DecodeBatch(body, m)
	case *Results:
		err = DecodeResults(body, m)
	case *Values:
		err = DecodeValues(body, m)
	default:
		return wire.DecodeMessage(body, msg)
	}
	if err != nil {
		return fmt.Errorf("decoding %T: %w", msg, err)
	}
	return nil
}
