package worker

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// The codec of the messages that carry every task, every result and every value fetched, Batch,
// Results and Values, for both schedulers (through AppendMessage and DecodeMessage), working on
// whole frame bodies: AppendBatch, AppendResults and AppendValues write exactly the bytes
// msgpack's reflection writes for these tagged structs with compact integers
// (wire.EncodeMessage; reference_test.go keeps reflective copies of the types as the oracle),
// DecodeBatch, DecodeResults and DecodeValues read what wire.DecodeMessage reads. They append to
// and slice byte slices instead of going through msgpack's Encoder and Decoder (an interface
// call per byte read, a string allocated per field name, reflection over the slices): a 1e5-task
// wide graph spent about a quarter of its CPU, across the parent and the workers, in encoding and
// decoding batches and results; a Values message carries a put per value fetched.
//
// Decoded byte fields (Arg.Body, Put.Body, Task.Stream, Result.Body, Result.Output) share the
// body's memory instead of copying it: the body must not be modified or reused while the message
// is in use. Frame bodies are read into fresh buffers (wire.ReadFrame), so that holds for
// frames; a holder that keeps a few bytes of a large body keeps the whole body alive (the
// coordinator copies what it keeps: keptBody in package cluster).
//
// The few rarely used parts (function definitions, peers, the store, error records, handed-back
// tasks) and the numeric lists (releases, finished jobs: raw extensions of package wire) go
// through msgpack as before.

// AppendBatch appends b encoded to dst.
func AppendBatch(dst []byte, b *Batch) ([]byte, error) {
	n := b2i(b.Job != 0) + b2i(len(b.Functions) > 0) + b2i(len(b.Puts) > 0) + b2i(len(b.Peers) > 0) + b2i(len(b.Tasks) > 0) +
		b2i(len(b.Release) > 0) + b2i(len(b.Finished) > 0) + b2i(b.Store != nil) + b2i(b.NoRelay)
	dst = appendMapLen(dst, n)
	var err error
	if b.Job != 0 {
		dst = appendUint(appendStr(dst, "j"), uint64(b.Job))
	}
	if len(b.Functions) > 0 {
		if dst, err = wire.AppendMessage(appendStr(dst, "f"), b.Functions); err != nil {
			return nil, err
		}
	}
	if len(b.Puts) > 0 {
		dst = appendArrayLen(appendStr(dst, "p"), len(b.Puts))
		for k := range b.Puts {
			dst = appendPut(dst, &b.Puts[k])
		}
	}
	if len(b.Peers) > 0 {
		if dst, err = wire.AppendMessage(appendStr(dst, "q"), b.Peers); err != nil {
			return nil, err
		}
	}
	if len(b.Tasks) > 0 {
		dst = appendArrayLen(appendStr(dst, "t"), len(b.Tasks))
		for k := range b.Tasks {
			dst = appendTask(dst, &b.Tasks[k])
		}
	}
	if len(b.Release) > 0 {
		// Numeric slices are raw little-endian extensions (package wire).
		if dst, err = wire.AppendMessage(appendStr(dst, "r"), b.Release); err != nil {
			return nil, err
		}
	}
	if len(b.Finished) > 0 {
		if dst, err = wire.AppendMessage(appendStr(dst, "x"), b.Finished); err != nil {
			return nil, err
		}
	}
	if b.Store != nil {
		if dst, err = wire.AppendMessage(appendStr(dst, "st"), b.Store); err != nil {
			return nil, err
		}
	}
	if b.NoRelay {
		dst = append(appendStr(dst, "o"), 0xc3)
	}
	return dst, nil
}

func appendTask(dst []byte, t *Task) []byte {
	n := 3 + b2i(len(t.Args) > 0) + b2i(t.Send != 0) + b2i(len(t.Stream) > 0) + b2i(t.Retries != 0) + b2i(t.Placed) +
		b2i(t.Tried != 0) + b2i(t.StoreKey != "")
	dst = appendMapLen(dst, n)
	dst = appendUint(appendStr(dst, "k"), t.Key)
	dst = appendUint(appendStr(dst, "j"), uint64(t.Job))
	dst = appendUint(appendStr(dst, "f"), uint64(t.Fn))
	if len(t.Args) > 0 {
		dst = appendArrayLen(appendStr(dst, "a"), len(t.Args))
		for k := range t.Args {
			a := &t.Args[k]
			dst = appendMapLen(dst, b2i(a.Key != 0)+b2i(len(a.Body) > 0))
			if a.Key != 0 {
				dst = appendUint(appendStr(dst, "k"), a.Key)
			}
			if len(a.Body) > 0 {
				dst = appendBin(appendStr(dst, "b"), a.Body)
			}
		}
	}
	if t.Send != 0 {
		dst = appendUint(appendStr(dst, "s"), uint64(t.Send))
	}
	if len(t.Stream) > 0 {
		dst = appendBin(appendStr(dst, "r"), t.Stream)
	}
	if t.Retries != 0 {
		dst = appendInt(appendStr(dst, "y"), int64(t.Retries))
	}
	if t.Placed {
		dst = append(appendStr(dst, "pl"), 0xc3)
	}
	if t.Tried != 0 {
		dst = appendUint(appendStr(dst, "tr"), uint64(t.Tried))
	}
	if t.StoreKey != "" {
		dst = appendStr(appendStr(dst, "c"), t.StoreKey)
	}
	return dst
}

func appendPut(dst []byte, p *Put) []byte {
	dst = appendMapLen(dst, 3+b2i(p.Attachments != 0))
	dst = appendUint(appendStr(dst, "k"), p.Key)
	dst = appendStr(appendStr(dst, "t"), p.Type)
	dst = appendBin(appendStr(dst, "b"), p.Body)
	if p.Attachments != 0 {
		dst = appendInt(appendStr(dst, "a"), int64(p.Attachments))
	}
	return dst
}

// AppendResults appends r encoded to dst.
func AppendResults(dst []byte, r *Results) ([]byte, error) {
	dst = appendMapLen(dst, 1+b2i(r.Stopping)+b2i(len(r.Dropped) > 0))
	dst = appendStr(dst, "r")
	if r.Items == nil {
		dst = append(dst, 0xc0)
	} else {
		dst = appendArrayLen(dst, len(r.Items))
	}
	var err error
	for k := range r.Items {
		if dst, err = appendResult(dst, &r.Items[k]); err != nil {
			return nil, err
		}
	}
	if r.Stopping {
		dst = append(appendStr(dst, "x"), 0xc3)
	}
	if len(r.Dropped) > 0 {
		if dst, err = wire.AppendMessage(appendStr(dst, "d"), r.Dropped); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func appendResult(dst []byte, r *Result) ([]byte, error) {
	n := 4 + b2i(r.Err != nil) + b2i(r.Sent) + b2i(len(r.Body) > 0) + b2i(r.Attachments != 0) +
		b2i(r.Size != 0) + b2i(r.Stored) + b2i(r.Retry) + b2i(len(r.Output) > 0)
	dst = appendMapLen(dst, n)
	dst = appendUint(appendStr(dst, "k"), r.Key)
	dst = appendUint(appendStr(dst, "j"), uint64(r.Job))
	if r.Err != nil {
		var err error
		if dst, err = wire.AppendMessage(appendStr(dst, "e"), r.Err); err != nil {
			return nil, err
		}
	}
	if r.Sent {
		dst = append(appendStr(dst, "s"), 0xc3)
	}
	if len(r.Body) > 0 {
		dst = appendBin(appendStr(dst, "b"), r.Body)
	}
	if r.Attachments != 0 {
		dst = appendInt(appendStr(dst, "a"), int64(r.Attachments))
	}
	if r.Size != 0 {
		dst = appendInt(appendStr(dst, "z"), r.Size)
	}
	dst = appendInt(appendStr(dst, "t"), r.Start)
	if r.Stored {
		dst = append(appendStr(dst, "st"), 0xc3)
	}
	dst = appendInt(appendStr(dst, "d"), r.Elapsed)
	if r.Retry {
		dst = append(appendStr(dst, "rt"), 0xc3)
	}
	if len(r.Output) > 0 {
		dst = appendBin(appendStr(dst, "o"), r.Output)
	}
	return dst, nil
}

// AppendValues appends v encoded to dst. Its list of puts is written even when nil (as nil):
// Values's field is not omitted when empty.
func AppendValues(dst []byte, v *Values) []byte {
	dst = appendStr(appendMapLen(dst, 1), "p")
	if v.Puts == nil {
		return append(dst, 0xc0)
	}
	dst = appendArrayLen(dst, len(v.Puts))
	for k := range v.Puts {
		dst = appendPut(dst, &v.Puts[k])
	}
	return dst
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Writing msgpack as the Encoder does with compact integers.

func appendMapLen(dst []byte, n int) []byte {
	switch {
	case n < 16:
		return append(dst, 0x80|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xde), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, 0xdf), uint32(n))
}

func appendArrayLen(dst []byte, n int) []byte {
	switch {
	case n < 16:
		return append(dst, 0x90|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xdc), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, 0xdd), uint32(n))
}

func appendStr(dst []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		dst = append(dst, 0xa0|byte(n))
	case n < 256:
		dst = append(dst, 0xd9, byte(n))
	case n <= math.MaxUint16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xda), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xdb), uint32(n))
	}
	return append(dst, s...)
}

// appendBin writes b as EncodeBytes does: nil as nil.
func appendBin(dst []byte, b []byte) []byte {
	if b == nil {
		return append(dst, 0xc0)
	}
	switch n := len(b); {
	case n < 256:
		dst = append(dst, 0xc4, byte(n))
	case n <= math.MaxUint16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xc5), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xc6), uint32(n))
	}
	return append(dst, b...)
}

func appendUint(dst []byte, n uint64) []byte {
	switch {
	case n <= math.MaxInt8:
		return append(dst, byte(n))
	case n <= math.MaxUint8:
		return append(dst, 0xcc, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xcd), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, 0xce), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xcf), n)
}

func appendInt(dst []byte, n int64) []byte {
	switch {
	case n >= 0:
		return appendUint(dst, uint64(n))
	case n >= -32:
		return append(dst, byte(n))
	case n >= math.MinInt8:
		return append(dst, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(dst, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(dst, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), uint64(n))
}

// DecodeBatch decodes a Batch body into b. b.Tasks's array is reused when it has room (its
// elements are overwritten); every other field is replaced.
func DecodeBatch(body []byte, b *Batch) (err error) {
	r := bodyReader{b: body}
	*b = Batch{Tasks: b.Tasks[:0]}
	tasks := b.Tasks
	b.Tasks = nil
	err = r.fields("batch", func(name []byte) error {
		switch string(name) {
		case "j":
			n, err := r.uint()
			b.Job = uint32(n)
			return err
		case "f":
			b.Functions = nil
			return r.reflected(&b.Functions)
		case "p":
			b.Puts, err = r.puts()
			return err
		case "q":
			b.Peers = nil
			return r.reflected(&b.Peers)
		case "t":
			b.Tasks, err = readList(&r, tasks, r.task)
			return err
		case "r":
			b.Release = nil
			return r.reflected(&b.Release)
		case "x":
			b.Finished = nil
			return r.reflected(&b.Finished)
		case "st":
			b.Store = nil
			return r.reflected(&b.Store)
		case "o":
			b.NoRelay, err = r.bool()
			return err
		}
		return r.skip()
	})
	return r.finish(err)
}

// DecodeResults decodes a Results body into res, replacing all of it. It decodes the results
// into res's list when that has room for them (a reader reusing reports allocates no list per
// frame), so the caller must keep nothing of that list from before.
func DecodeResults(body []byte, res *Results) error {
	r := bodyReader{b: body}
	room := res.Items[:0]
	*res = Results{}
	err := r.fields("results", func(name []byte) error {
		switch string(name) {
		case "r":
			var err error
			res.Items, err = readList(&r, room, r.result)
			return err
		case "x":
			var err error
			res.Stopping, err = r.bool()
			return err
		case "d":
			res.Dropped = nil
			return r.reflected(&res.Dropped)
		}
		return r.skip()
	})
	return r.finish(err)
}

// DecodeValues decodes a Values body into v, replacing all of it.
func DecodeValues(body []byte, v *Values) error {
	r := bodyReader{b: body}
	*v = Values{}
	err := r.fields("values", func(name []byte) error {
		if string(name) != "p" {
			return r.skip()
		}
		puts, err := r.puts()
		v.Puts = puts
		return err
	})
	return r.finish(err)
}

// bodyReader reads msgpack from a body in memory. It never reads past the body, and sizes what
// it allocates by the bytes that remain, so hostile lengths cost nothing.
type bodyReader struct {
	b    []byte
	off  int
	args []Arg // room for the tasks' arguments
}

// argSlab is how many arguments an array shared by tasks holds at most.
const argSlab = 1024

var errTruncated = errors.New("truncated")

func (r *bodyReader) left() int { return len(r.b) - r.off }

func (r *bodyReader) finish(err error) error {
	if err == nil && r.off != len(r.b) {
		err = fmt.Errorf("%d bytes left over", len(r.b)-r.off)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", wire.ErrMalformedValue, err)
	}
	return nil
}

func (r *bodyReader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errTruncated
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *bodyReader) next(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.off {
		return nil, errTruncated
	}
	s := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return s, nil
}

func (r *bodyReader) be(n int) (uint64, error) {
	s, err := r.next(n)
	if err != nil {
		return 0, err
	}
	switch n {
	case 1:
		return uint64(s[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(s)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(s)), nil
	}
	return binary.BigEndian.Uint64(s), nil
}

// uint reads any integer (or nil, as 0) as msgpack's DecodeUint64 does.
func (r *bodyReader) uint() (uint64, error) {
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	switch {
	case c <= 0x7f:
		return uint64(c), nil
	case c >= 0xe0:
		return uint64(int8(c)), nil
	case c == 0xc0:
		return 0, nil
	case c >= 0xcc && c <= 0xcf:
		return r.be(1 << (c - 0xcc))
	case c >= 0xd0 && c <= 0xd3:
		n, err := r.be(1 << (c - 0xd0))
		switch c {
		case 0xd0:
			n = uint64(int8(n))
		case 0xd1:
			n = uint64(int16(n))
		case 0xd2:
			n = uint64(int32(n))
		}
		return n, err
	}
	return 0, fmt.Errorf("code 0x%02x where an integer was expected", c)
}

// int reads any integer (or nil, as 0) as msgpack's DecodeInt64 does.
func (r *bodyReader) int() (int64, error) {
	n, err := r.uint()
	return int64(n), err
}

func (r *bodyReader) bool() (bool, error) {
	c, err := r.byte()
	if err != nil {
		return false, err
	}
	switch c {
	case 0xc0, 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	}
	return false, fmt.Errorf("code 0x%02x where a bool was expected", c)
}

// bytesLen reads the header of a string or binary (msgpack reads either as either); -1 for nil.
func (r *bodyReader) bytesLen() (int, error) {
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c == 0xc0:
		return -1, nil
	case c >= 0xa0 && c <= 0xbf:
		return int(c & 0x1f), nil
	case c == 0xd9 || c == 0xc4:
		n, err = r.be(1)
	case c == 0xda || c == 0xc5:
		n, err = r.be(2)
	case c == 0xdb || c == 0xc6:
		n, err = r.be(4)
	default:
		return 0, fmt.Errorf("code 0x%02x where bytes were expected", c)
	}
	return int(n), err
}

// bytes reads a binary or string as msgpack's DecodeBytes does (nil for nil), sharing the body.
func (r *bodyReader) bytes() ([]byte, error) {
	n, err := r.bytesLen()
	if err != nil || n < 0 {
		return nil, err
	}
	return r.next(n)
}

// str reads a string's bytes ("" for nil), sharing the body.
func (r *bodyReader) str() ([]byte, error) {
	n, err := r.bytesLen()
	if err != nil || n < 0 {
		return nil, err
	}
	return r.next(n)
}

// collLen reads the length of an array (array) or map; -1 for nil.
func (r *bodyReader) collLen(array bool) (int, error) {
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	base, code16, code32, what := byte(0x80), byte(0xde), byte(0xdf), "a map"
	if array {
		base, code16, code32, what = 0x90, 0xdc, 0xdd, "an array"
	}
	var n uint64
	switch {
	case c == 0xc0:
		return -1, nil
	case c >= base && c <= base+0x0f:
		return int(c - base), nil
	case c == code16:
		n, err = r.be(2)
	case c == code32:
		n, err = r.be(4)
	default:
		return 0, fmt.Errorf("code 0x%02x where %s was expected", c, what)
	}
	if err == nil && n > uint64(r.left()) {
		return 0, fmt.Errorf("%d items announced, %d bytes left", n, r.left())
	}
	return int(n), err
}

func (r *bodyReader) arrayLen() (int, error) { return r.collLen(true) }

// fields reads a map of fields (nil is the empty message), calling field with each name, which
// reads the value.
func (r *bodyReader) fields(what string, field func(name []byte) error) error {
	if r.off < len(r.b) {
		if c := r.b[r.off]; c >= 0x90 && c <= 0x9f || c == 0xdc || c == 0xdd {
			return fmt.Errorf("msgpack: a %s encoded as an array", what)
		}
	}
	n, err := r.collLen(false)
	if err != nil {
		return err
	}
	for range max(n, 0) {
		name, err := r.str()
		if err != nil {
			return err
		}
		if err := field(name); err != nil {
			return err
		}
	}
	return nil
}

func (r *bodyReader) skip() error {
	n, err := wire.SkipValue(r.b[r.off:])
	if err != nil {
		return err
	}
	r.off += n
	return nil
}

// reflected decodes the next value into v through msgpack's reflection.
func (r *bodyReader) reflected(v any) error {
	n, err := wire.SkipValue(r.b[r.off:])
	if err != nil {
		return err
	}
	err = wire.DecodeMessage(r.b[r.off:r.off+n], v)
	r.off += n
	return err
}

func (r *bodyReader) task(t *Task) error {
	return r.fields("task", func(name []byte) (err error) {
		switch string(name) {
		case "k":
			t.Key, err = r.uint()
		case "j":
			var n uint64
			n, err = r.uint()
			t.Job = uint32(n)
		case "f":
			var n uint64
			n, err = r.uint()
			t.Fn = uint32(n)
		case "a":
			var n int
			if n, err = r.arrayLen(); err != nil || n < 0 {
				t.Args = nil
				return err
			}
			// The tasks' arguments are cut from shared arrays: one allocation for many tasks.
			if n > cap(r.args)-len(r.args) {
				r.args = make([]Arg, 0, max(min(n, r.left()), min(argSlab, r.left()/8)))
			}
			t.Args = r.args[len(r.args) : len(r.args) : len(r.args)+min(n, cap(r.args)-len(r.args))]
			for range n {
				var a Arg
				err = r.fields("argument", func(name []byte) (err error) {
					switch string(name) {
					case "k":
						a.Key, err = r.uint()
					case "b":
						a.Body, err = r.bytes()
					default:
						err = r.skip()
					}
					return err
				})
				if err != nil {
					return err
				}
				t.Args = append(t.Args, a)
			}
			if len(t.Args) <= cap(r.args)-len(r.args) && len(t.Args) > 0 && &t.Args[0] == &r.args[:len(r.args)+1][len(r.args)] {
				r.args = r.args[:len(r.args)+len(t.Args)]
			}
		case "s":
			var n uint64
			n, err = r.uint()
			t.Send = Send(n)
		case "r":
			t.Stream, err = r.bytes()
		case "y":
			var n int64
			n, err = r.int()
			t.Retries = int(n)
		case "pl":
			t.Placed, err = r.bool()
		case "tr":
			var n uint64
			n, err = r.uint()
			t.Tried = uint8(n)
		case "c":
			var s []byte
			s, err = r.str()
			t.StoreKey = string(s)
		default:
			err = r.skip()
		}
		return err
	})
}

// readList reads an array (nil for nil), each element decoded in place by elem: into room's
// array when it has room for them all, else into a new one sized by the bytes left, so that a
// hostile length costs nothing.
func readList[T any](r *bodyReader, room []T, elem func(*T) error) ([]T, error) {
	n, err := r.arrayLen()
	if err != nil || n < 0 {
		return nil, err
	}
	if want := min(n, r.left()); room == nil || cap(room) < want {
		room = make([]T, 0, want)
	}
	list := room[:0]
	for range n {
		var zero T
		list = append(list, zero)
		if err := elem(&list[len(list)-1]); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// puts reads a list of puts (nil for nil).
func (r *bodyReader) puts() ([]Put, error) {
	var typ string // the type names repeat: one string for a run of the same
	return readList(r, nil, func(p *Put) error { return r.put(p, &typ) })
}

// put reads a Put; typ is the last type name read, reused when the next is the same.
func (r *bodyReader) put(p *Put, typ *string) error {
	return r.fields("value", func(name []byte) (err error) {
		switch string(name) {
		case "k":
			p.Key, err = r.uint()
		case "t":
			var s []byte
			if s, err = r.str(); err == nil {
				if string(s) != *typ {
					*typ = string(s)
				}
				p.Type = *typ
			}
		case "b":
			p.Body, err = r.bytes()
		case "a":
			var n int64
			n, err = r.int()
			p.Attachments = int(n)
		default:
			err = r.skip()
		}
		return err
	})
}

func (r *bodyReader) result(res *Result) error {
	return r.fields("result", func(name []byte) (err error) {
		switch string(name) {
		case "k":
			res.Key, err = r.uint()
		case "j":
			var n uint64
			n, err = r.uint()
			res.Job = uint32(n)
		case "e":
			if r.off < len(r.b) && r.b[r.off] == 0xc0 {
				r.off++
				res.Err = nil
				return nil
			}
			rec := new(wire.ErrorRecord)
			if err = r.reflected(rec); err == nil {
				res.Err = rec
			}
		case "s":
			res.Sent, err = r.bool()
		case "b":
			res.Body, err = r.bytes()
		case "a":
			var n int64
			n, err = r.int()
			res.Attachments = int(n)
		case "z":
			res.Size, err = r.int()
		case "t":
			res.Start, err = r.int()
		case "st":
			res.Stored, err = r.bool()
		case "d":
			res.Elapsed, err = r.int()
		case "rt":
			res.Retry, err = r.bool()
		case "o":
			res.Output, err = r.bytes()
		default:
			err = r.skip()
		}
		return err
	})
}
