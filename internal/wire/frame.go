package wire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Frame is one message on a connection.
type Frame struct {
	Kind        byte
	Body        []byte
	Attachments [][]byte
}

// Size returns the number of bytes the frame occupies on a stream.
func (f *Frame) Size() int64 {
	n := int64(frameHeaderSize + len(f.Body) + 8*len(f.Attachments))
	for _, a := range f.Attachments {
		n += int64(len(a))
	}
	return n
}

// DefaultMaxFrame is the largest frame a reader accepts unless told otherwise.
const DefaultMaxFrame = 4 << 30

// maxAttachments bounds the attachment count a frame may announce.
const maxAttachments = 1 << 20

// frameHeaderSize: total length (8), kind (1), body length (8), attachment count (4).
const frameHeaderSize = 8 + 1 + 8 + 4

// ErrFrameTooLarge is matched by the error for a frame over the reader's limit.
var ErrFrameTooLarge = errors.New("frame exceeds the size limit")

// ErrMalformedFrame is matched by the error for a frame whose lengths do not add up.
var ErrMalformedFrame = errors.New("malformed frame")

// WriteFrame writes f to w: a header, the body, the attachment lengths and the attachments.
// Attachments are written from their own memory, without being copied first.
func WriteFrame(w io.Writer, f *Frame) error {
	var hdr [frameHeaderSize]byte
	binary.LittleEndian.PutUint64(hdr[0:8], uint64(f.Size()))
	hdr[8] = f.Kind
	binary.LittleEndian.PutUint64(hdr[9:17], uint64(len(f.Body)))
	binary.LittleEndian.PutUint32(hdr[17:21], uint32(len(f.Attachments)))
	if len(f.Attachments) > maxAttachments {
		return fmt.Errorf("write frame: %d attachments, at most %d", len(f.Attachments), maxAttachments)
	}
	lens := make([]byte, 8*len(f.Attachments))
	for i, a := range f.Attachments {
		binary.LittleEndian.PutUint64(lens[8*i:], uint64(len(a)))
	}
	if bw, ok := w.(*bufio.Writer); ok && len(f.Body)+len(lens) < bw.Available() {
		bw.Write(hdr[:])
		bw.Write(f.Body)
		bw.Write(lens)
	} else {
		for _, part := range [][]byte{hdr[:], f.Body, lens} {
			if _, err := w.Write(part); err != nil {
				return err
			}
		}
	}
	for _, a := range f.Attachments {
		if _, err := w.Write(a); err != nil {
			return err
		}
	}
	return nil
}

// ReadFrame reads one frame from r, refusing frames over limit bytes (0 means
// [DefaultMaxFrame]). Attachments are read into 8-byte aligned buffers, so numeric slices can
// be decoded from them in place.
//
// The memory it allocates follows the bytes that actually arrive, never the lengths the header
// claims: buffers start small and grow (at most doubling) as data comes, so a peer announcing a
// 4 GB frame and sending 21 bytes costs a few kilobytes.
func ReadFrame(r io.Reader, limit int64) (*Frame, error) {
	return ReadFrameWith(r, func(byte) int64 { return limit })
}

// ReadFrameWith is [ReadFrame] with a limit per frame kind: limitFor(kind) bounds frames of that
// kind (0 or less means [DefaultMaxFrame]). It lets a protocol give its control messages small
// limits of their own.
func ReadFrameWith(r io.Reader, limitFor func(kind byte) int64) (*Frame, error) {
	var hdr [frameHeaderSize]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	total := binary.LittleEndian.Uint64(hdr[0:8])
	bodyLen := binary.LittleEndian.Uint64(hdr[9:17])
	count := binary.LittleEndian.Uint32(hdr[17:21])
	limit := limitFor(hdr[8])
	if limit <= 0 {
		limit = DefaultMaxFrame
	}
	if total > uint64(limit) {
		return nil, fmt.Errorf("%w: kind %d, %d bytes, limit %d", ErrFrameTooLarge, hdr[8], total, limit)
	}
	if count > maxAttachments || total < frameHeaderSize || bodyLen > total-frameHeaderSize ||
		uint64(count)*8 > total-frameHeaderSize-bodyLen {
		return nil, fmt.Errorf("%w: header says %d bytes, body %d, %d attachments", ErrMalformedFrame, total, bodyLen, count)
	}
	f := &Frame{Kind: hdr[8]}
	var err error
	if f.Body, err = ReadGrowing(r, bodyLen); err != nil {
		return nil, truncated(err)
	}
	lens, err := ReadGrowing(r, 8*uint64(count))
	if err != nil {
		return nil, truncated(err)
	}
	remaining := total - frameHeaderSize - bodyLen - 8*uint64(count)
	var sum uint64
	for i := range count {
		n := binary.LittleEndian.Uint64(lens[8*i:])
		if n > remaining-sum {
			return nil, fmt.Errorf("%w: attachment %d of %d bytes overruns the frame", ErrMalformedFrame, i, n)
		}
		sum += n
	}
	if sum != remaining {
		return nil, fmt.Errorf("%w: attachments cover %d of %d bytes", ErrMalformedFrame, sum, remaining)
	}
	if count > 0 {
		f.Attachments = make([][]byte, count)
	}
	for i := range count {
		buf, err := ReadAligned(r, binary.LittleEndian.Uint64(lens[8*i:]))
		if err != nil {
			return nil, truncated(err)
		}
		f.Attachments[i] = buf
	}
	return f, nil
}

// growStep is the largest buffer a reader allocates before any of its bytes have arrived.
const growStep = 64 << 10

// ReadGrowing reads exactly n bytes from r into a new buffer that grows as the bytes arrive: it
// never holds more than max(64 KiB, twice the bytes read so far), whatever n claims.
func ReadGrowing(r io.Reader, n uint64) ([]byte, error) {
	if n <= growStep {
		buf := make([]byte, n)
		_, err := io.ReadFull(r, buf)
		return buf, err
	}
	buf := make([]byte, growStep)
	filled := 0
	for uint64(filled) < n {
		if filled == len(buf) {
			grown := make([]byte, min(2*uint64(len(buf)), n))
			copy(grown, buf)
			buf = grown
		}
		k, err := io.ReadFull(r, buf[filled:])
		filled += k
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// ReadAligned is [ReadGrowing] into 8-byte aligned memory (see [AlignedBuffer]).
func ReadAligned(r io.Reader, n uint64) ([]byte, error) {
	if n <= growStep {
		buf := AlignedBuffer(int(n))
		_, err := io.ReadFull(r, buf)
		return buf, err
	}
	words := make([]uint64, growStep/8)
	filled := uint64(0) // bytes read into words
	for filled < n {
		if filled == 8*uint64(len(words)) {
			grown := make([]uint64, min(2*uint64(len(words)), (n+7)/8))
			copy(grown, words)
			words = grown
		}
		avail := unsafeBytes(words, min(8*len(words), int(n)))
		k, err := io.ReadFull(r, avail[filled:])
		filled += uint64(k)
		if err != nil {
			return nil, err
		}
	}
	return unsafeBytes(words, int(n)), nil
}

func truncated(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: truncated: %w", ErrMalformedFrame, err)
}

// AlignedBuffer returns n bytes backed by 8-byte aligned memory.
func AlignedBuffer(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	words := make([]uint64, (n+7)/8)
	return unsafeBytes(words, n)
}
