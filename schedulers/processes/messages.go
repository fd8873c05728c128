package processes

import (
	"bytes"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/lazygraph/lazygraph/internal/wire"
)

func encodeMessage(msg any) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	if err := enc.Encode(msg); err != nil {
		return nil, fmt.Errorf("encode %T: %w", msg, err)
	}
	return buf.Bytes(), nil
}

// decodeMessage decodes a frame body into msg, refusing malformed bodies without panicking.
func decodeMessage(body []byte, msg any) error {
	return wire.DecodeMessage(body, msg)
}
