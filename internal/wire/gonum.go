package wire

import (
	"fmt"
	"reflect"

	"github.com/vmihailenco/msgpack/v5"
	"gonum.org/v1/gonum/mat"
)

// gonum's matrices keep their fields unexported; they travel as their shape and their elements'
// raw memory (an attachment when large), through extensions of their own.
const (
	extDense    int8 = 30
	extVecDense int8 = 31
)

type denseWire struct {
	Rows int       `msgpack:"r"`
	Cols int       `msgpack:"c"`
	Data []float64 `msgpack:"d"`
}

func init() {
	msgpack.RegisterExtEncoder(extDense, (*mat.Dense)(nil), func(enc *msgpack.Encoder, v reflect.Value) ([]byte, error) {
		m := v.Interface().(*mat.Dense)
		r, c := m.Dims()
		data := make([]float64, 0, r*c)
		raw := m.RawMatrix()
		if raw.Stride == c {
			data = raw.Data[:r*c]
		} else {
			for i := range r {
				data = append(data, raw.Data[i*raw.Stride:i*raw.Stride+c]...)
			}
		}
		return encodeNested(enc, &denseWire{Rows: r, Cols: c, Data: data})
	})
	msgpack.RegisterExtDecoder(extDense, (*mat.Dense)(nil), func(dec *msgpack.Decoder, v reflect.Value, n int) error {
		var w denseWire
		if err := decodeNested(dec, n, &w); err != nil {
			return err
		}
		if w.Rows < 0 || w.Cols < 0 || w.Rows*w.Cols != len(w.Data) || (w.Rows == 0) != (w.Cols == 0) {
			return fmt.Errorf("%w: %d×%d matrix with %d elements", ErrMalformedValue, w.Rows, w.Cols, len(w.Data))
		}
		if w.Rows == 0 {
			v.Set(reflect.ValueOf(&mat.Dense{}))
			return nil
		}
		v.Set(reflect.ValueOf(mat.NewDense(w.Rows, w.Cols, w.Data)))
		return nil
	})
	msgpack.RegisterExtEncoder(extVecDense, (*mat.VecDense)(nil), func(enc *msgpack.Encoder, v reflect.Value) ([]byte, error) {
		vec := v.Interface().(*mat.VecDense)
		data := make([]float64, vec.Len())
		for i := range data {
			data[i] = vec.AtVec(i)
		}
		return encodeNested(enc, &denseWire{Rows: len(data), Cols: 1, Data: data})
	})
	msgpack.RegisterExtDecoder(extVecDense, (*mat.VecDense)(nil), func(dec *msgpack.Decoder, v reflect.Value, n int) error {
		var w denseWire
		if err := decodeNested(dec, n, &w); err != nil {
			return err
		}
		if w.Rows != len(w.Data) || w.Cols != 1 {
			return fmt.Errorf("%w: vector of %d with %d elements", ErrMalformedValue, w.Rows, len(w.Data))
		}
		if w.Rows == 0 {
			v.Set(reflect.ValueOf(&mat.VecDense{}))
			return nil
		}
		v.Set(reflect.ValueOf(mat.NewVecDense(w.Rows, w.Data)))
		return nil
	})
	for _, t := range []reflect.Type{reflect.TypeFor[*mat.Dense](), reflect.TypeFor[*mat.VecDense]()} {
		extensionTypes.Store(t, true)
		extensionTypes.Store(t.Elem(), true)
		RegisterType(t)
	}
}

// encodeNested encodes x as an extension's payload, sharing the outer value's attachments.
func encodeNested(enc *msgpack.Encoder, x any) ([]byte, error) {
	outer, _ := enc.Writer().(*valueWriter)
	inner := &valueWriter{}
	if outer != nil {
		inner.attach, inner.attachments = outer.attach, outer.attachments
	}
	e := msgpack.NewEncoder(inner)
	if err := e.Encode(x); err != nil {
		return nil, err
	}
	if outer != nil {
		outer.attachments = inner.attachments
	}
	return inner.Bytes(), nil
}

// decodeNested decodes an extension's payload of n bytes, with the outer value's attachments.
func decodeNested(dec *msgpack.Decoder, n int, x any) error {
	outer, _ := dec.Buffered().(*valueReader)
	if outer == nil || n < 0 || n > outer.Len() {
		return fmt.Errorf("%w: extension of %d bytes", ErrMalformedValue, n)
	}
	payload := make([]byte, n)
	if _, err := outer.Read(payload); err != nil && n > 0 {
		return err
	}
	if err := checkStructure(payload); err != nil {
		return err
	}
	inner := &valueReader{attachments: outer.attachments}
	inner.Reset(payload)
	d := msgpack.NewDecoder(inner)
	return d.Decode(x)
}
