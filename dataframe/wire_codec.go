package dataframe

import "github.com/lazygraph/lazygraph/internal/wire"

// init gives lazygraph's wire codec the encoding of frames and columns
// (wire_frame.go, wire_column.go) without exporting it: Frame and Column
// have no msgpack methods in their API. Every process of a program runs
// this at initialisation, before any value is decoded.
func init() {
	wire.RegisterCodec(encodeFrame, decodeFrame)
	wire.RegisterCodec(encodeColumn, decodeColumnInto)
}
