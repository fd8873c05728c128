// Package wire is how lazygraph moves tasks and values between processes: the frame format of
// its connections, and the encoding of values.
//
// A frame is a message kind, a msgpack body and zero or more attachments: raw buffers that the
// body refers to by index. Large numeric slices ([]float64, []int64 and the like, and whatever
// other packages register with [RegisterRawSlice]) travel as attachments in their machine's
// little-endian layout, so encoding is a memory copy rather than a per-element loop, and a
// receiver reads them straight into the slice it returns. Over a stream (TCP or a socket) the
// attachments follow the body; the processes scheduler passes large ones through a memory file
// instead.
//
// Values decode into the type the receiver expects (a registered function's parameter type, say),
// never into interface{} guesses: msgpack alone would turn int(5) into int8. Values in
// interface-typed slots carry their type's name, resolved through a registry of types
// ([RegisterType]; package delayed registers every wrapped function's parameter and result
// types). Errors cross with their registered types, so errors.Is and errors.As keep working on
// the receiving side.
//
// Everything that reads from a peer is defensive: frames have a size limit, lengths are checked
// against what remains, and decoding never panics (see the fuzz tests).
package wire
