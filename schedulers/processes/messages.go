package processes

import "github.com/lazygraph/lazygraph/internal/wire"

func encodeMessage(msg any) ([]byte, error) { return wire.EncodeMessage(msg) }

// decodeMessage decodes a frame body into msg, refusing malformed bodies without panicking.
func decodeMessage(body []byte, msg any) error { return wire.DecodeMessage(body, msg) }
