package wire

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Values in interface-typed places (an any parameter, an element of []any or map[string]any, an
// interface field of a struct, at any depth) travel with their dynamic type, so that the
// receiver rebuilds exactly the value the sender had: int stays int, a struct stays that struct.
//
// Types decide the encoding, once per type: a type with no interface-typed place anywhere inside
// it (the common case: numbers, strings, numeric slices, plain structs) goes through msgpack as
// it is, at no extra cost. A type with such places is walked by a codec that writes containers
// as msgpack arrays and maps, and each interface-typed place as nil or as a two-element array:
// the dynamic type, then the value encoded with that type's own codec. The dynamic type is its
// wire name the first time it appears in a value and the index of that first appearance after
// that, so a []any of a million ints costs two bytes per element more than a []int.
//
// The receiver resolves names through the type registry: named types must be registered (as the
// parameter and result types of wrapped functions are), composite types built from known types
// ([]T, map[K]V, *T, [N]T) are known without registration.

// ErrUnregisteredType is matched by the error for a value whose dynamic type, found in an
// interface-typed place, is not registered and so could not be rebuilt by a worker process.
var ErrUnregisteredType = errors.New("type not registered for worker processes")

// UnregisteredTypeError names a type found in an interface-typed place that the receiving
// process could not rebuild. It matches [ErrUnregisteredType] and [ErrUnencodable].
type UnregisteredTypeError struct {
	Type string // the type as Go prints it, such as main.point
}

func (e *UnregisteredTypeError) Error() string {
	return fmt.Sprintf("type %s, held in an interface-typed place (any, []any, map[string]any, an interface field), is not registered for worker processes: call delayed.RegisterType[%s]() at package initialisation (in an init function or a package-level variable)", e.Type, e.Type)
}

// Is matches ErrUnregisteredType and ErrUnencodable.
func (e *UnregisteredTypeError) Is(target error) bool {
	return target == ErrUnregisteredType || target == ErrUnencodable
}

type codecKind uint8

const (
	plainCodec  codecKind = iota // no interface-typed place inside: msgpack as it is
	ifaceCodec                   // an interface: nil, or [type, value]
	sliceCodec                   // nil, or an array of elements
	arrayCodec                   // an array of elements
	mapCodec                     // nil, or a map
	ptrCodec                     // nil, or the element
	structCodec                  // an array of the exported fields, in order
)

// codec says how values of one type travel.
type codec struct {
	kind   codecKind
	scalar bool // a predeclared number, string or bool type: encoded without reflection
	t      reflect.Type
	elem   *codec // slice, array, map value, pointer target
	key    *codec // map key
	fields []fieldCodec
}

type fieldCodec struct {
	index int
	c     *codec
}

var (
	codecs   sync.Map   // reflect.Type -> *codec, complete codecs only
	codecsMu sync.Mutex // serialises building
)

// codecOf returns how values of type t travel.
func codecOf(t reflect.Type) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	codecsMu.Lock()
	defer codecsMu.Unlock()
	building := map[reflect.Type]*codec{}
	c := buildCodec(t, building)
	for bt, bc := range building {
		codecs.Store(bt, bc)
	}
	return c
}

// HasInterfaces reports whether values of type t have interface-typed places inside, which
// carry their dynamic types on the wire (and which [CheckValue] walks).
func HasInterfaces(t reflect.Type) bool {
	return t != nil && codecOf(t).kind != plainCodec
}

func buildCodec(t reflect.Type, building map[reflect.Type]*codec) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	if c, ok := building[t]; ok {
		return c
	}
	c := &codec{t: t}
	building[t] = c
	if !hasInterfaces(t, map[reflect.Type]bool{}) {
		c.scalar = predeclaredScalar(t)
		return c // plain
	}
	switch t.Kind() {
	case reflect.Interface:
		c.kind = ifaceCodec
	case reflect.Slice:
		c.kind, c.elem = sliceCodec, buildCodec(t.Elem(), building)
	case reflect.Array:
		c.kind, c.elem = arrayCodec, buildCodec(t.Elem(), building)
	case reflect.Pointer:
		c.kind, c.elem = ptrCodec, buildCodec(t.Elem(), building)
	case reflect.Map:
		c.kind, c.key, c.elem = mapCodec, buildCodec(t.Key(), building), buildCodec(t.Elem(), building)
	case reflect.Struct:
		c.kind = structCodec
		for i := range t.NumField() {
			if f := t.Field(i); travels(f) {
				c.fields = append(c.fields, fieldCodec{index: i, c: buildCodec(f.Type, building)})
			}
		}
	}
	return c
}

// predeclaredScalar reports whether t is one of Go's predeclared number, string or bool types.
func predeclaredScalar(t reflect.Type) bool {
	if t.PkgPath() != "" || t.Name() == "" {
		return false
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// travels reports whether a struct field is encoded: exported and not tagged msgpack:"-".
func travels(f reflect.StructField) bool {
	return f.IsExported() && f.Tag.Get("msgpack") != "-"
}

// hasInterfaces reports whether an interface-typed place can be reached inside t through the
// containers a codec walks (types that encode themselves are not entered).
func hasInterfaces(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t.Kind() == reflect.Interface {
		return true
	}
	if seen[t] || selfEncoding(t) {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return hasInterfaces(t.Elem(), seen)
	case reflect.Map:
		return hasInterfaces(t.Key(), seen) || hasInterfaces(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); travels(f) && hasInterfaces(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// typedEncoder writes values whose codec is not plain.
type typedEncoder struct {
	enc   *msgpack.Encoder
	seen  []*codec             // types named so far, by order of appearance
	index map[reflect.Type]int // their indices, once there are many
	depth int
}

func (e *typedEncoder) encode(c *codec, v reflect.Value) error {
	if c.kind == plainCodec {
		return e.enc.EncodeValue(v)
	}
	e.depth++
	err := e.encodeComposite(c, v)
	e.depth--
	return err
}

func (e *typedEncoder) encodeComposite(c *codec, v reflect.Value) error {
	if e.depth > maxNesting {
		return fmt.Errorf("nested more than %d deep (a cycle of pointers?)", maxNesting)
	}
	switch c.kind {
	case ifaceCodec:
		if v.IsNil() {
			return e.enc.EncodeNil()
		}
		dyn := v.Elem()
		if err := e.enc.EncodeArrayLen(2); err != nil {
			return err
		}
		dc, err := e.encodeType(dyn.Type())
		if err != nil {
			return err
		}
		if dc.scalar {
			return encodeScalar(e.enc, dyn)
		}
		return e.encode(dc, dyn)
	case sliceCodec:
		if v.IsNil() {
			return e.enc.EncodeNil()
		}
		return e.encodeElems(c, v)
	case arrayCodec:
		return e.encodeElems(c, v)
	case ptrCodec:
		if v.IsNil() {
			return e.enc.EncodeNil()
		}
		return e.encode(c.elem, v.Elem())
	case mapCodec:
		if v.IsNil() {
			return e.enc.EncodeNil()
		}
		if err := e.enc.EncodeMapLen(v.Len()); err != nil {
			return err
		}
		k, x := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		iter := v.MapRange()
		for iter.Next() {
			k.SetIterKey(iter)
			x.SetIterValue(iter)
			if err := e.encode(c.key, k); err != nil {
				return err
			}
			if err := e.encode(c.elem, x); err != nil {
				return err
			}
		}
		return nil
	default: // structCodec
		if err := e.enc.EncodeArrayLen(len(c.fields)); err != nil {
			return err
		}
		for _, f := range c.fields {
			if err := e.encode(f.c, v.Field(f.index)); err != nil {
				return err
			}
		}
		return nil
	}
}

func (e *typedEncoder) encodeElems(c *codec, v reflect.Value) error {
	n := v.Len()
	if err := e.enc.EncodeArrayLen(n); err != nil {
		return err
	}
	for i := range n {
		if err := e.encode(c.elem, v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

// encodeType writes a dynamic type: its index when named before in this value, else its name,
// which must resolve in the receiving process. It returns the type's codec.
func (e *typedEncoder) encodeType(t reflect.Type) (*codec, error) {
	if e.index != nil {
		if i, ok := e.index[t]; ok {
			return e.seen[i], e.enc.EncodeUint(uint64(i))
		}
	} else {
		for i, c := range e.seen {
			if c.t == t {
				return c, e.enc.EncodeUint(uint64(i))
			}
		}
	}
	name, err := knownName(t)
	if err != nil {
		return nil, err
	}
	c := codecOf(t)
	if e.seen == nil {
		e.seen = make([]*codec, 0, 8)
	}
	e.seen = append(e.seen, c)
	if len(e.seen) > 8 {
		if e.index == nil {
			e.index = make(map[reflect.Type]int, 2*len(e.seen))
			for i, c := range e.seen {
				e.index[c.t] = i
			}
		}
		e.index[t] = len(e.seen) - 1
	}
	return c, e.enc.EncodeString(name)
}

// knownNames caches the wire names of types found to be known (registrations are never undone).
var knownNames sync.Map // reflect.Type -> string

// knownName returns t's wire name when t can travel in an interface-typed place: encodable, and
// known by that name in every process of the program.
func knownName(t reflect.Type) (string, error) {
	if name, ok := knownNames.Load(t); ok {
		return name.(string), nil
	}
	if err := CheckEncodable(t); err != nil {
		return "", err
	}
	name, err := typeNameOf(t)
	if err != nil {
		return "", &UnregisteredTypeError{Type: t.String()}
	}
	if known, ok := typeByName(name); !ok || known != t {
		return "", &UnregisteredTypeError{Type: t.String()}
	}
	knownNames.Store(t, name)
	return name, nil
}

// encodeScalar writes a value of a predeclared scalar type as msgpack does, without its
// reflective dispatch.
func encodeScalar(enc *msgpack.Encoder, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool:
		return enc.EncodeBool(v.Bool())
	case reflect.String:
		return enc.EncodeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return enc.EncodeInt(v.Int())
	case reflect.Float32:
		return enc.EncodeFloat32(float32(v.Float()))
	case reflect.Float64:
		return enc.EncodeFloat64(v.Float())
	default: // unsigned
		return enc.EncodeUint(v.Uint())
	}
}

// decodeScalar reads a value of the predeclared scalar type t.
func decodeScalar(dec *msgpack.Decoder, t reflect.Type) (reflect.Value, error) {
	switch t.Kind() {
	case reflect.Bool:
		b, err := dec.DecodeBool()
		return reflect.ValueOf(b), err
	case reflect.String:
		s, err := dec.DecodeString()
		return reflect.ValueOf(s), err
	case reflect.Int:
		n, err := dec.DecodeInt64()
		if err == nil && int64(int(n)) != n {
			err = fmt.Errorf("%w: %d overflows int", ErrMalformedValue, n)
		}
		return reflect.ValueOf(int(n)), err
	case reflect.Int64:
		n, err := dec.DecodeInt64()
		return reflect.ValueOf(n), err
	case reflect.Float64:
		f, err := dec.DecodeFloat64()
		return reflect.ValueOf(f), err
	}
	v := reflect.New(t).Elem()
	return v, dec.DecodeValue(v)
}

// typedDecoder reads values whose codec is not plain.
type typedDecoder struct {
	dec   *msgpack.Decoder
	names []*codec
}

// decode decodes into v, which is settable and holds its type's zero value.
func (d *typedDecoder) decode(c *codec, v reflect.Value) error {
	if c.kind == plainCodec {
		return d.dec.DecodeValue(v)
	}
	if c.kind != arrayCodec && c.kind != structCodec {
		code, err := d.dec.PeekCode()
		if err != nil {
			return err
		}
		if code == msgpcode.Nil {
			return d.dec.Skip()
		}
	}
	switch c.kind {
	case ifaceCodec:
		if err := d.arrayLen(2); err != nil {
			return err
		}
		dc, err := d.decodeType()
		if err != nil {
			return err
		}
		if v.Type() != anyType && !dc.t.AssignableTo(v.Type()) {
			return fmt.Errorf("%w: a %s does not fit %s", ErrMalformedValue, dc.t, v.Type())
		}
		if dc.scalar {
			dyn, err := decodeScalar(d.dec, dc.t)
			if err != nil {
				return err
			}
			v.Set(dyn)
			return nil
		}
		dyn := reflect.New(dc.t).Elem()
		if err := d.decode(dc, dyn); err != nil {
			return err
		}
		v.Set(dyn)
		return nil
	case sliceCodec:
		n, err := d.dec.DecodeArrayLen()
		if err != nil {
			return err
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			if err := d.decode(c.elem, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case arrayCodec:
		if err := d.arrayLen(v.Len()); err != nil {
			return err
		}
		for i := range v.Len() {
			if err := d.decode(c.elem, v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case ptrCodec:
		p := reflect.New(v.Type().Elem())
		if err := d.decode(c.elem, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case mapCodec:
		n, err := d.dec.DecodeMapLen()
		if err != nil {
			return err
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		for range n {
			k.SetZero()
			e.SetZero()
			if err := d.decode(c.key, k); err != nil {
				return err
			}
			if err := d.decode(c.elem, e); err != nil {
				return err
			}
			if !k.Comparable() {
				return fmt.Errorf("%w: a map key of type %s", ErrMalformedValue, k.Type())
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
		return nil
	default: // structCodec
		if err := d.arrayLen(len(c.fields)); err != nil {
			return err
		}
		for _, f := range c.fields {
			if err := d.decode(f.c, v.Field(f.index)); err != nil {
				return err
			}
		}
		return nil
	}
}

func (d *typedDecoder) arrayLen(want int) error {
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("%w: %d elements where %d were expected", ErrMalformedValue, n, want)
	}
	return nil
}

func (d *typedDecoder) decodeType() (*codec, error) {
	code, err := d.dec.PeekCode()
	if err != nil {
		return nil, err
	}
	if !msgpcode.IsString(code) {
		i, err := d.dec.DecodeUint64()
		if err != nil {
			return nil, err
		}
		if i >= uint64(len(d.names)) {
			return nil, fmt.Errorf("%w: type %d of %d named so far", ErrMalformedValue, i, len(d.names))
		}
		return d.names[i], nil
	}
	name, err := d.dec.DecodeString()
	if err != nil {
		return nil, err
	}
	t, ok := typeByName(name)
	if !ok {
		return nil, &UnregisteredTypeError{Type: name}
	}
	c := codecOf(t)
	if d.names == nil {
		d.names = make([]*codec, 0, 8)
	}
	d.names = append(d.names, c)
	return c, nil
}

// CheckValue reports why x, to be received as type static (x's own type when nil), could not be
// rebuilt in a worker process: a value in an interface-typed place whose type is not registered
// or cannot travel. It walks only the interface-typed places of x, so it costs nothing for types
// without any.
func CheckValue(x any, static reflect.Type) error {
	if static == nil {
		static = reflect.TypeOf(x)
		if static == nil {
			return nil
		}
	}
	if x != nil {
		if err := CheckEncodable(reflect.TypeOf(x)); err != nil {
			return err
		}
	}
	c := codecOf(static)
	if c.kind == plainCodec {
		return nil
	}
	v, err := valueAs(x, static)
	if err != nil {
		return err
	}
	ck := checker{seen: map[reflect.Type]bool{}}
	return ck.check(c, v)
}

type checker struct {
	seen  map[reflect.Type]bool
	depth int
}

func (ck *checker) check(c *codec, v reflect.Value) error {
	if c.kind == plainCodec {
		return nil
	}
	ck.depth++
	defer func() { ck.depth-- }()
	if ck.depth > maxNesting {
		return fmt.Errorf("%w: nested more than %d deep (a cycle of pointers?)", ErrUnencodable, maxNesting)
	}
	switch c.kind {
	case ifaceCodec:
		if v.IsNil() {
			return nil
		}
		dyn := v.Elem()
		if t := dyn.Type(); !ck.seen[t] {
			if _, err := knownName(t); err != nil {
				return err
			}
			ck.seen[t] = true
		}
		return ck.check(codecOf(dyn.Type()), dyn)
	case sliceCodec, arrayCodec:
		if c.kind == sliceCodec && v.IsNil() {
			return nil
		}
		for i := range v.Len() {
			if err := ck.check(c.elem, v.Index(i)); err != nil {
				return err
			}
		}
	case ptrCodec:
		if !v.IsNil() {
			return ck.check(c.elem, v.Elem())
		}
	case mapCodec:
		k, x := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		iter := v.MapRange()
		for iter.Next() {
			k.SetIterKey(iter)
			x.SetIterValue(iter)
			if err := ck.check(c.key, k); err != nil {
				return err
			}
			if err := ck.check(c.elem, x); err != nil {
				return err
			}
		}
	case structCodec:
		for _, f := range c.fields {
			if err := ck.check(f.c, v.Field(f.index)); err != nil {
				return err
			}
		}
	}
	return nil
}

// valueAs returns x as a reflect.Value of type static (an interface value when static is an
// interface type).
func valueAs(x any, static reflect.Type) (reflect.Value, error) {
	rv := reflect.ValueOf(x)
	if rv.IsValid() && rv.Type() == static {
		return rv, nil
	}
	out := reflect.New(static).Elem()
	if !rv.IsValid() {
		return out, nil
	}
	if !rv.Type().AssignableTo(static) {
		return reflect.Value{}, fmt.Errorf("%w: a %s where a %s is expected", ErrUnencodable, rv.Type(), static)
	}
	out.Set(rv)
	return out, nil
}
