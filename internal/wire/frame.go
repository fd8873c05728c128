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
func ReadFrame(r io.Reader, limit int64) (*Frame, error) {
	if limit <= 0 {
		limit = DefaultMaxFrame
	}
	var hdr [frameHeaderSize]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	total := binary.LittleEndian.Uint64(hdr[0:8])
	bodyLen := binary.LittleEndian.Uint64(hdr[9:17])
	count := binary.LittleEndian.Uint32(hdr[17:21])
	if total > uint64(limit) {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrFrameTooLarge, total, limit)
	}
	if count > maxAttachments || total < frameHeaderSize || bodyLen > total-frameHeaderSize ||
		uint64(count)*8 > total-frameHeaderSize-bodyLen {
		return nil, fmt.Errorf("%w: header says %d bytes, body %d, %d attachments", ErrMalformedFrame, total, bodyLen, count)
	}
	f := &Frame{Kind: hdr[8], Body: make([]byte, bodyLen)}
	if _, err := io.ReadFull(r, f.Body); err != nil {
		return nil, truncated(err)
	}
	lens := make([]byte, 8*count)
	if _, err := io.ReadFull(r, lens); err != nil {
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
		buf := AlignedBuffer(int(binary.LittleEndian.Uint64(lens[8*i:])))
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, truncated(err)
		}
		f.Attachments[i] = buf
	}
	return f, nil
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
