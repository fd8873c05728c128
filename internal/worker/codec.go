package worker

import (
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// Hand-written msgpack codecs for the messages that come once per task (Task, Arg, Result) or
// once per value (Put). They write exactly the bytes msgpack's reflection writes for the tagged
// structs with compact integers (a map of the fields that are not omitted, in declaration
// order; codec_test.go compares them on random messages) and read what it reads (fields in any
// order, unknown ones skipped, nil as the zero message), without reflection: a million-task
// computation spent about a third of its scheduler's and workers' time in reflective encoding
// and decoding of these few structs.

var (
	_ msgpack.CustomEncoder = Task{}
	_ msgpack.CustomDecoder = (*Task)(nil)
	_ msgpack.CustomEncoder = Arg{}
	_ msgpack.CustomDecoder = (*Arg)(nil)
	_ msgpack.CustomEncoder = Result{}
	_ msgpack.CustomDecoder = (*Result)(nil)
	_ msgpack.CustomEncoder = Put{}
	_ msgpack.CustomDecoder = (*Put)(nil)
)

// decodeCap is the most elements a decoded slice is given room for before any is read: a
// declared length is only a claim.
const decodeCap = 1 << 12

// EncodeMsgpack writes t as msgpack's reflection would.
func (t Task) EncodeMsgpack(e *msgpack.Encoder) error {
	n := 3
	n += b2i(len(t.Args) > 0) + b2i(t.Send != 0) + b2i(len(t.Stream) > 0) + b2i(t.Retries != 0) + b2i(t.Placed) + b2i(t.Tried != 0) +
		b2i(t.StoreKey != "")
	if err := e.EncodeMapLen(n); err != nil {
		return err
	}
	key(e, "k")
	e.EncodeUint(t.Key)
	key(e, "j")
	e.EncodeUint(uint64(t.Job))
	key(e, "f")
	e.EncodeUint(uint64(t.Fn))
	if len(t.Args) > 0 {
		key(e, "a")
		e.EncodeArrayLen(len(t.Args))
		for k := range t.Args {
			if err := t.Args[k].EncodeMsgpack(e); err != nil {
				return err
			}
		}
	}
	if t.Send != 0 {
		key(e, "s")
		e.EncodeUint(uint64(t.Send))
	}
	if len(t.Stream) > 0 {
		key(e, "r")
		e.EncodeBytes(t.Stream)
	}
	if t.Retries != 0 {
		key(e, "y")
		e.EncodeInt(int64(t.Retries))
	}
	if t.Placed {
		key(e, "pl")
		e.EncodeBool(true)
	}
	if t.Tried != 0 {
		key(e, "tr")
		e.EncodeUint(uint64(t.Tried))
	}
	if t.StoreKey != "" {
		key(e, "c")
		return e.EncodeString(t.StoreKey)
	}
	return nil
}

// DecodeMsgpack reads a Task as msgpack's reflection would.
func (t *Task) DecodeMsgpack(d *msgpack.Decoder) error {
	*t = Task{}
	return decodeFields(d, "task", func(name string) (err error) {
		switch name {
		case "k":
			t.Key, err = d.DecodeUint64()
		case "j":
			t.Job, err = decodeUint32(d)
		case "f":
			t.Fn, err = decodeUint32(d)
		case "a":
			t.Args, err = decodeList(d, nil, (*Arg).DecodeMsgpack)
		case "s":
			var n uint64
			n, err = d.DecodeUint64()
			t.Send = Send(n)
		case "r":
			t.Stream, err = d.DecodeBytes()
		case "y":
			var n int64
			n, err = d.DecodeInt64()
			t.Retries = int(n)
		case "pl":
			t.Placed, err = d.DecodeBool()
		case "tr":
			t.Tried, err = d.DecodeUint8()
		case "c":
			t.StoreKey, err = d.DecodeString()
		default:
			err = d.Skip()
		}
		return err
	})
}

// EncodeMsgpack writes a as msgpack's reflection would.
func (a Arg) EncodeMsgpack(e *msgpack.Encoder) error {
	if err := e.EncodeMapLen(b2i(a.Key != 0) + b2i(len(a.Body) > 0)); err != nil {
		return err
	}
	if a.Key != 0 {
		key(e, "k")
		e.EncodeUint(a.Key)
	}
	if len(a.Body) > 0 {
		key(e, "b")
		return e.EncodeBytes(a.Body)
	}
	return nil
}

// DecodeMsgpack reads an Arg as msgpack's reflection would.
func (a *Arg) DecodeMsgpack(d *msgpack.Decoder) error {
	*a = Arg{}
	return decodeFields(d, "argument", func(name string) (err error) {
		switch name {
		case "k":
			a.Key, err = d.DecodeUint64()
		case "b":
			a.Body, err = d.DecodeBytes()
		default:
			err = d.Skip()
		}
		return err
	})
}

// EncodeMsgpack writes r as msgpack's reflection would.
func (r Result) EncodeMsgpack(e *msgpack.Encoder) error {
	n := 4 + b2i(r.Err != nil) + b2i(r.Sent) + b2i(len(r.Body) > 0) + b2i(r.Attachments != 0) +
		b2i(r.Size != 0) + b2i(r.Stored) + b2i(r.Retry) + b2i(len(r.Output) > 0)
	if err := e.EncodeMapLen(n); err != nil {
		return err
	}
	key(e, "k")
	e.EncodeUint(r.Key)
	key(e, "j")
	e.EncodeUint(uint64(r.Job))
	if r.Err != nil {
		key(e, "e")
		if err := e.Encode(r.Err); err != nil {
			return err
		}
	}
	if r.Sent {
		key(e, "s")
		e.EncodeBool(true)
	}
	if len(r.Body) > 0 {
		key(e, "b")
		e.EncodeBytes(r.Body)
	}
	if r.Attachments != 0 {
		key(e, "a")
		e.EncodeInt(int64(r.Attachments))
	}
	if r.Size != 0 {
		key(e, "z")
		e.EncodeInt(r.Size)
	}
	key(e, "t")
	e.EncodeInt(r.Start)
	if r.Stored {
		key(e, "st")
		e.EncodeBool(true)
	}
	key(e, "d")
	e.EncodeInt(r.Elapsed)
	if r.Retry {
		key(e, "rt")
		e.EncodeBool(true)
	}
	if len(r.Output) > 0 {
		key(e, "o")
		return e.EncodeBytes(r.Output)
	}
	return nil
}

// DecodeMsgpack reads a Result as msgpack's reflection would.
func (r *Result) DecodeMsgpack(d *msgpack.Decoder) error {
	*r = Result{}
	return decodeFields(d, "result", func(name string) (err error) {
		switch name {
		case "k":
			r.Key, err = d.DecodeUint64()
		case "j":
			r.Job, err = decodeUint32(d)
		case "e":
			if c, perr := d.PeekCode(); perr == nil && c == msgpcode.Nil {
				r.Err, err = nil, d.DecodeNil()
				break
			}
			rec := new(wire.ErrorRecord)
			if err = d.Decode(rec); err == nil {
				r.Err = rec
			}
		case "s":
			r.Sent, err = d.DecodeBool()
		case "b":
			r.Body, err = d.DecodeBytes()
		case "a":
			var n int64
			n, err = d.DecodeInt64()
			r.Attachments = int(n)
		case "z":
			r.Size, err = d.DecodeInt64()
		case "t":
			r.Start, err = d.DecodeInt64()
		case "st":
			r.Stored, err = d.DecodeBool()
		case "d":
			r.Elapsed, err = d.DecodeInt64()
		case "rt":
			r.Retry, err = d.DecodeBool()
		case "o":
			r.Output, err = d.DecodeBytes()
		default:
			err = d.Skip()
		}
		return err
	})
}

// EncodeMsgpack writes p as msgpack's reflection would.
func (p Put) EncodeMsgpack(e *msgpack.Encoder) error {
	if err := e.EncodeMapLen(3 + b2i(p.Attachments != 0)); err != nil {
		return err
	}
	key(e, "k")
	e.EncodeUint(p.Key)
	key(e, "t")
	e.EncodeString(p.Type)
	key(e, "b")
	if err := e.EncodeBytes(p.Body); err != nil {
		return err
	}
	if p.Attachments != 0 {
		key(e, "a")
		return e.EncodeInt(int64(p.Attachments))
	}
	return nil
}

// DecodeMsgpack reads a Put as msgpack's reflection would.
func (p *Put) DecodeMsgpack(d *msgpack.Decoder) error {
	*p = Put{}
	return decodeFields(d, "value", func(name string) (err error) {
		switch name {
		case "k":
			p.Key, err = d.DecodeUint64()
		case "t":
			p.Type, err = d.DecodeString()
		case "b":
			p.Body, err = d.DecodeBytes()
		case "a":
			var n int64
			n, err = d.DecodeInt64()
			p.Attachments = int(n)
		default:
			err = d.Skip()
		}
		return err
	})
}

// key writes a field name. Errors of the encoder's writer (a bytes.Buffer) are reported by the
// field's value written next.
func key(e *msgpack.Encoder, name string) { e.EncodeString(name) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func decodeUint32(d *msgpack.Decoder) (uint32, error) {
	n, err := d.DecodeUint64()
	return uint32(n), err
}

// decodeFields reads a map of fields, calling field for each name (which decodes its value).
// Nil is the zero message, as reflection has it; an array (a struct encoded as an array) is
// not what lazygraph writes and is refused.
func decodeFields(d *msgpack.Decoder, what string, field func(name string) error) error {
	c, err := d.PeekCode()
	if err != nil {
		return err
	}
	if msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32 {
		return fmt.Errorf("msgpack: a %s encoded as an array", what)
	}
	n, err := d.DecodeMapLen()
	if err != nil {
		return err
	}
	for range max(n, 0) {
		name, err := d.DecodeString()
		if err != nil {
			return err
		}
		if err := field(name); err != nil {
			return err
		}
	}
	return nil
}

// TaskList and ResultList are a batch's tasks and a report's results. Their codecs write and read
// the arrays as reflection does, element by element through Task's and Result's codecs: through
// reflection, each element was copied into an interface to be encoded (an allocation per task
// and per result) and grown into the slice by reflect.
type (
	TaskList   []Task
	ResultList []Result
)

var (
	_ msgpack.CustomEncoder = TaskList(nil)
	_ msgpack.CustomDecoder = (*TaskList)(nil)
	_ msgpack.CustomEncoder = ResultList(nil)
	_ msgpack.CustomDecoder = (*ResultList)(nil)
)

// EncodeMsgpack writes l as msgpack's reflection would.
func (l TaskList) EncodeMsgpack(e *msgpack.Encoder) error {
	return encodeList(e, l, Task.EncodeMsgpack)
}

// DecodeMsgpack reads an array of tasks into l, reusing its array when it is long enough (its
// elements must then be zero).
func (l *TaskList) DecodeMsgpack(d *msgpack.Decoder) error {
	s, err := decodeList(d, *l, (*Task).DecodeMsgpack)
	*l = s
	return err
}

// EncodeMsgpack writes l as msgpack's reflection would.
func (l ResultList) EncodeMsgpack(e *msgpack.Encoder) error {
	return encodeList(e, l, Result.EncodeMsgpack)
}

// encodeList writes s as reflection would: nil as nil, else an array of its elements.
func encodeList[T any](e *msgpack.Encoder, s []T, elem func(T, *msgpack.Encoder) error) error {
	if s == nil {
		return e.EncodeNil()
	}
	if err := e.EncodeArrayLen(len(s)); err != nil {
		return err
	}
	for k := range s {
		if err := elem(s[k], e); err != nil {
			return err
		}
	}
	return nil
}

// DecodeMsgpack reads an array of results into l.
func (l *ResultList) DecodeMsgpack(d *msgpack.Decoder) error {
	s, err := decodeList(d, *l, (*Result).DecodeMsgpack)
	*l = s
	return err
}

// decodeList reads an array into s's array when it has room for it, else a new one, as
// reflection would: nil stays nil, an empty array is an empty slice.
func decodeList[T any](d *msgpack.Decoder, s []T, elem func(*T, *msgpack.Decoder) error) ([]T, error) {
	n, err := d.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, nil
	}
	if s == nil || cap(s) < min(n, decodeCap) {
		s = make([]T, 0, min(n, decodeCap))
	}
	s = s[:0]
	for range n {
		// Decoded in place: a local passed to elem by pointer would move to the heap, one
		// allocation per element.
		var zero T
		s = append(s, zero)
		if err := elem(&s[len(s)-1], d); err != nil {
			return nil, err
		}
	}
	return s, nil
}
