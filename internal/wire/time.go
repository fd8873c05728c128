package wire

import (
	"fmt"
	"reflect"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// extTime carries a time.Time with its location: msgpack's own time extension keeps only the
// instant, and its decoder gives every time the local location, so a UTC time came back as a
// local one (a different value under reflect.DeepEqual and when printed).
const extTime int8 = 32

// Location kinds of a time on the wire.
const (
	timeUTC   = 0 // time.UTC
	timeLocal = 1 // time.Local of the receiving process
	timeZone  = 2 // a named location (loaded by name on the receiver) or a fixed zone
)

type timeWire struct {
	Sec    int64  `msgpack:"s"`
	Nsec   int32  `msgpack:"n"`
	Kind   uint8  `msgpack:"k"`
	Zone   string `msgpack:"z,omitempty"` // the location's name (timeZone)
	Offset int32  `msgpack:"o,omitempty"` // seconds east of UTC at that instant (timeZone)
}

func init() {
	msgpack.RegisterExtEncoder(extTime, time.Time{}, func(enc *msgpack.Encoder, v reflect.Value) ([]byte, error) {
		t := v.Interface().(time.Time)
		w := timeWire{Sec: t.Unix(), Nsec: int32(t.Nanosecond())}
		switch loc := t.Location(); loc {
		case time.UTC:
			w.Kind = timeUTC
		case time.Local:
			w.Kind = timeLocal
		default:
			w.Kind = timeZone
			_, offset := t.Zone()
			w.Zone, w.Offset = loc.String(), int32(offset)
		}
		return encodeNested(enc, &w)
	})
	msgpack.RegisterExtDecoder(extTime, time.Time{}, func(dec *msgpack.Decoder, v reflect.Value, n int) error {
		var w timeWire
		if err := decodeNested(dec, n, &w); err != nil {
			return err
		}
		if w.Nsec < 0 || w.Nsec >= 1e9 || w.Kind > timeZone {
			return fmt.Errorf("%w: time with %d ns and location kind %d", ErrMalformedValue, w.Nsec, w.Kind)
		}
		t := time.Unix(w.Sec, int64(w.Nsec))
		switch w.Kind {
		case timeUTC:
			t = t.UTC()
		case timeZone:
			t = t.In(zoneAt(w.Zone, int(w.Offset), t))
		}
		v.Set(reflect.ValueOf(t))
		return nil
	})
}

// zoneAt is the location named name if this process knows it and it has the sender's offset at
// t, else a fixed zone of that name and offset: the receiver shows the same clock either way.
func zoneAt(name string, offset int, t time.Time) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" && name != "Local" {
		if _, o := t.In(loc).Zone(); o == offset {
			return loc
		}
	}
	return time.FixedZone(name, offset)
}
