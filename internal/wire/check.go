package wire

import (
	"encoding/binary"
	"fmt"
)

// maxNesting bounds how deeply arrays, maps and typed values may nest in a body.
const maxNesting = 256

// checkStructure walks a msgpack body without decoding it and checks that it holds exactly one
// value, that every length it announces fits in the bytes that remain, and that nesting is
// bounded. msgpack's decoder trusts announced lengths when it allocates (v5.4.1 sizes a slice
// from the announced element count even past its own limit), so a few hostile bytes could
// otherwise claim gigabytes; after this check every allocation is bounded by the body's size.
func checkStructure(b []byte) error {
	rest, err := checkItems(b, 1, 0)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("%w: %d bytes after the value", ErrMalformedValue, len(rest))
	}
	return nil
}

// checkItems checks n consecutive items at the start of b and returns what follows them.
func checkItems(b []byte, n uint64, depth int) ([]byte, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("%w: nested more than %d deep", ErrMalformedValue, maxNesting)
	}
	for ; n > 0; n-- {
		if len(b) == 0 {
			return nil, fmt.Errorf("%w: truncated", ErrMalformedValue)
		}
		c := b[0]
		b = b[1:]
		var (
			skip      uint64 // bytes of scalar payload
			children  uint64 // nested items
			extType   = -1   // for extensions: the payload is checked if it is msgpack itself
			err       error
			lengthLen int // bytes of the length field
		)
		switch {
		case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			children = 2 * uint64(c&0x0f)
		case c >= 0x90 && c <= 0x9f:
			children = uint64(c & 0x0f)
		case c >= 0xa0 && c <= 0xbf:
			skip = uint64(c & 0x1f)
		case c == 0xc4 || c == 0xd9:
			lengthLen = 1
		case c == 0xc5 || c == 0xda:
			lengthLen = 2
		case c == 0xc6 || c == 0xdb:
			lengthLen = 4
		case c == 0xc7, c == 0xc8, c == 0xc9:
			lengthLen = 1 << (c - 0xc7)
		case c == 0xca:
			skip = 4
		case c == 0xcb:
			skip = 8
		case c >= 0xcc && c <= 0xcf:
			skip = 1 << (c - 0xcc)
		case c >= 0xd0 && c <= 0xd3:
			skip = 1 << (c - 0xd0)
		case c >= 0xd4 && c <= 0xd8:
			skip = 1 + 1<<(c-0xd4)
		case c == 0xdc, c == 0xde:
			lengthLen = 2
		case c == 0xdd, c == 0xdf:
			lengthLen = 4
		default: // 0xc1 is never used
			return nil, fmt.Errorf("%w: byte 0x%02x is not msgpack", ErrMalformedValue, c)
		}
		if lengthLen > 0 {
			var length uint64
			if length, b, err = readLength(b, lengthLen); err != nil {
				return nil, err
			}
			switch c {
			case 0xdc, 0xdd:
				children = length
			case 0xde, 0xdf:
				children = 2 * length
			case 0xc7, 0xc8, 0xc9:
				if len(b) == 0 {
					return nil, fmt.Errorf("%w: truncated extension", ErrMalformedValue)
				}
				extType = int(int8(b[0]))
				b = b[1:]
				skip = length
			default:
				skip = length
			}
		}
		if children > uint64(len(b)) { // every item takes at least one byte
			return nil, fmt.Errorf("%w: %d items announced, %d bytes left", ErrMalformedValue, children, len(b))
		}
		if skip > uint64(len(b)) {
			return nil, fmt.Errorf("%w: %d bytes announced, %d left", ErrMalformedValue, skip, len(b))
		}
		if extType == int(extTyped) {
			// A typed value is a type name and a value: msgpack inside the extension.
			if rest, err := checkItems(b[:skip], 2, depth+1); err != nil {
				return nil, err
			} else if len(rest) != 0 {
				return nil, fmt.Errorf("%w: typed value with trailing bytes", ErrMalformedValue)
			}
		}
		b = b[skip:]
		if children > 0 {
			if b, err = checkItems(b, children, depth+1); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

func readLength(b []byte, size int) (uint64, []byte, error) {
	if len(b) < size {
		return 0, nil, fmt.Errorf("%w: truncated length", ErrMalformedValue)
	}
	switch size {
	case 1:
		return uint64(b[0]), b[1:], nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), b[2:], nil
	default:
		return uint64(binary.BigEndian.Uint32(b)), b[4:], nil
	}
}

// SkipValue returns the length of the one msgpack value at the start of b, checked as
// [DecodeMessage] checks a body (announced lengths fit, nesting bounded): a hand-written decoder
// finds the extent of a part it hands to DecodeMessage.
func SkipValue(b []byte) (int, error) {
	rest, err := checkItems(b, 1, 0)
	if err != nil {
		return 0, err
	}
	return len(b) - len(rest), nil
}
