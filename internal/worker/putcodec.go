package worker

import (
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// A hand-written msgpack codec for Put, the one element of the per-task messages that also
// travels inside a message encoded by reflection: Values, the answer to a Fetch (the
// coordinator's fetches, and distributed workers fetching their inputs from each other). It
// writes exactly the bytes msgpack's reflection writes for the tagged struct with compact
// integers (a map of the fields that are not omitted, in declaration order; codec_test.go
// compares them on random messages) and reads what it reads (fields in any order, unknown ones
// skipped, nil as the zero message), without reflection: a Values message carries a put per
// value fetched.
//
// Batches and results, which carry puts, tasks and results, are encoded by the body codecs
// (bodycodec.go) instead; their elements have no msgpack codec of their own.

var (
	_ msgpack.CustomEncoder = Put{}
	_ msgpack.CustomDecoder = (*Put)(nil)
)

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
