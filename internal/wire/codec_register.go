package wire

import (
	"reflect"

	"github.com/vmihailenco/msgpack/v5"
)

// RegisterCodec makes values of the struct type T (and *T) travel through enc and dec instead
// of msgpack's field-by-field encoding, without T having to export EncodeMsgpack and
// DecodeMsgpack methods: packages of this module whose types hold unexported fields (data
// frames, say) register their encoding here, at package initialisation, in every process.
//
// enc writes *x as one msgpack value (an array of its parts, say); dec reads into *x, which is freshly zero. A nil *T travels as msgpack nil and
// comes back nil without calling either. Raw numeric slices that enc writes with
// Encoder.Encode travel as attachments, as everywhere else. Registering a type twice replaces
// its functions.
func RegisterCodec[T any](enc func(*msgpack.Encoder, *T) error, dec func(*msgpack.Decoder, *T) error) {
	t := reflect.TypeFor[T]()
	msgpack.Register(reflect.Zero(t).Interface(),
		func(e *msgpack.Encoder, v reflect.Value) error {
			if v.CanAddr() {
				return enc(e, v.Addr().Interface().(*T))
			}
			x := v.Interface().(T)
			return enc(e, &x)
		},
		func(d *msgpack.Decoder, v reflect.Value) error {
			return dec(d, v.Addr().Interface().(*T))
		})
	extensionTypes.Store(t, true)
	extensionTypes.Store(reflect.PointerTo(t), true)
}
