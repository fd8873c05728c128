package processes

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/lazygraph/lazygraph/internal/memfile"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// conn is one end of the socket pair between the parent and a worker. Frames are length
// prefixed; attachments from memfdThreshold bytes on travel as memory files passed with
// SCM_RIGHTS, which the receiver maps and copies once, instead of through the socket.
// Reads happen on one goroutine; writes are serialised by a mutex.
type conn struct {
	uc  *net.UnixConn
	r   *bufio.Reader
	fds *fdReader

	// mapFiles makes readFrame map memory files instead of copying them: the worker side, where
	// a job's inputs live until the job ends. The parent copies, since what it receives goes to
	// the user.
	mapFiles bool

	wmu sync.Mutex
	w   *bufio.Writer

	// encMu guards scratch, the buffer bodies are encoded into before they are copied into w:
	// reused, rather than a fresh body (and its fresh pages) per frame.
	encMu   sync.Mutex
	scratch []byte

	sent     int64 // bytes written, attachments in memory files included (under wmu)
	received int64 // bytes read, likewise (reader goroutine only)
}

// memfdThreshold is the attachment size from which a memory file is used.
const memfdThreshold = memfile.Threshold

// maxFrame bounds frames read from a peer.
const maxFrame = 1 << 40

// maxAttachments bounds the attachments a frame may announce.
const maxAttachments = 1 << 20

// fileHolds checks that a memory file holds n bytes before a buffer of that size is allocated.
func fileHolds(fd int, n uint64) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("memory file: %w", err)
	}
	if uint64(st.Size) < n {
		return fmt.Errorf("%w: memory file of %d bytes, %d announced", wire.ErrMalformedFrame, st.Size, n)
	}
	return nil
}

func newConn(f *os.File) (*conn, error) {
	fc, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	uc, ok := fc.(*net.UnixConn)
	if !ok {
		fc.Close()
		return nil, fmt.Errorf("socket: %T is not a unix socket", fc)
	}
	fr := &fdReader{uc: uc}
	return &conn{uc: uc, fds: fr, r: bufio.NewReaderSize(fr, 256<<10), w: bufio.NewWriterSize(uc, 256<<10)}, nil
}

// socketPair returns the parent's end as a conn and the child's end as a file to pass on.
func socketPair() (*conn, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	c, err := newConn(os.NewFile(uintptr(fds[0]), "lazygraph-parent"))
	if err != nil {
		unix.Close(fds[1])
		return nil, nil, err
	}
	return c, os.NewFile(uintptr(fds[1]), "lazygraph-worker"), nil
}

func (c *conn) Close() error { return c.uc.Close() }

// frame layout: total length (8), kind (1), body length (8), attachment count (4), then for each
// attachment its length (8) and how it travels (1: 0 inline, 1 memory file), then the body and the
// inline attachments. The memory files go with the header as SCM_RIGHTS, in attachment order.
const (
	headerSize  = 8 + 1 + 8 + 4
	inlineBytes = 0
	inMemFile   = 1
)

// writeFrame sends a frame whose body is msg encoded with msgpack.
func (c *conn) writeFrame(kind byte, msg any, attachments [][]byte) error {
	if err := c.bufferFrame(kind, msg, attachments, nil); err != nil {
		return err
	}
	return c.flush()
}

// flush sends what bufferFrame left in the buffer.
func (c *conn) flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.w.Flush()
}

// bufferFrame writes a frame, leaving its last bytes in the write buffer: several frames can
// then go out in one system call.
// files[k], when present and not negative, is a memory file already holding attachments[k]; it
// is passed as it is and stays open.
func (c *conn) bufferFrame(kind byte, msg any, attachments [][]byte, files []int) error {
	c.encMu.Lock()
	defer c.encMu.Unlock()
	body, err := appendMessage(c.scratch[:0], msg)
	if err != nil {
		return err
	}
	if cap(body) <= maxScratch {
		c.scratch = body
	}
	return c.writeRaw(kind, body, attachments, files)
}

// maxScratch bounds the encoding buffer a connection keeps between frames.
const maxScratch = 4 << 20

func (c *conn) writeRaw(kind byte, body []byte, attachments [][]byte, shared []int) error {
	var files, own []int
	defer func() {
		for _, fd := range own {
			unix.Close(fd)
		}
	}()
	hdr := make([]byte, headerSize, headerSize+9*len(attachments))
	total := int64(headerSize + len(body) + 9*len(attachments))
	var shipped int64
	for k, a := range attachments {
		hdr = binary.LittleEndian.AppendUint64(hdr, uint64(len(a)))
		if len(a) >= memfdThreshold {
			if k < len(shared) && shared[k] >= 0 {
				files = append(files, shared[k])
			} else {
				fd, err := memfile.Create(a)
				if err != nil {
					return err
				}
				files = append(files, fd)
				own = append(own, fd)
			}
			hdr = append(hdr, inMemFile)
		} else {
			hdr = append(hdr, inlineBytes)
			total += int64(len(a))
		}
		shipped += int64(len(a))
	}
	binary.LittleEndian.PutUint64(hdr[0:8], uint64(total))
	hdr[8] = kind
	binary.LittleEndian.PutUint64(hdr[9:17], uint64(len(body)))
	binary.LittleEndian.PutUint32(hdr[17:21], uint32(len(attachments)))

	c.wmu.Lock()
	defer c.wmu.Unlock()
	if len(files) > 0 {
		// The descriptors must ride on the first bytes of this frame: flush what is buffered,
		// then send the header with them.
		if err := c.w.Flush(); err != nil {
			return err
		}
		if _, _, err := c.uc.WriteMsgUnix(hdr, unix.UnixRights(files...), nil); err != nil {
			return err
		}
	} else if _, err := c.w.Write(hdr); err != nil {
		return err
	}
	if _, err := c.w.Write(body); err != nil {
		return err
	}
	for _, a := range attachments {
		if len(a) < memfdThreshold {
			if _, err := c.w.Write(a); err != nil {
				return err
			}
		}
	}
	c.sent += int64(len(hdr)+len(body)) + shipped
	return nil
}

// bytesSent returns how many bytes this end has sent, memory files included.
func (c *conn) bytesSent() int64 {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.sent
}

// errMissingFile is returned when a frame announces a memory file that did not arrive.
var errMissingFile = errors.New("frame announces a memory file that did not arrive")

// readFrame reads the next frame. With mapFiles set, it also returns the mappings its
// attachments live in, which the caller must unmap once nothing uses them.
func (c *conn) readFrame() (*wire.Frame, error) {
	f, _, err := c.readFrameMapped()
	return f, err
}

func (c *conn) readFrameMapped() (*wire.Frame, [][]byte, error) {
	var hdr [headerSize]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return nil, nil, err
	}
	total := binary.LittleEndian.Uint64(hdr[0:8])
	bodyLen := binary.LittleEndian.Uint64(hdr[9:17])
	count := uint64(binary.LittleEndian.Uint32(hdr[17:21]))
	if total > maxFrame || total < headerSize || bodyLen > total-headerSize || count > maxAttachments ||
		count*9 > total-headerSize-bodyLen {
		return nil, nil, fmt.Errorf("%w: header says %d bytes, body %d, %d attachments", wire.ErrMalformedFrame, total, bodyLen, count)
	}
	// Buffers grow as the bytes arrive: a header's claims alone allocate nothing large.
	desc, err := wire.ReadGrowing(c.r, 9*count)
	if err != nil {
		return nil, nil, err
	}
	f := &wire.Frame{Kind: hdr[8]}
	if f.Body, err = wire.ReadGrowing(c.r, bodyLen); err != nil {
		return nil, nil, err
	}
	received := int64(headerSize) + int64(len(desc)) + int64(bodyLen)
	var mappings [][]byte
	if count > 0 {
		f.Attachments = make([][]byte, count)
	}
	for i := range count {
		n := binary.LittleEndian.Uint64(desc[9*i:])
		if n > maxFrame {
			return nil, nil, fmt.Errorf("%w: attachment of %d bytes", wire.ErrMalformedFrame, n)
		}
		var buf []byte
		switch desc[9*i+8] {
		case inlineBytes:
			var err error
			if buf, err = wire.ReadAligned(c.r, n); err != nil {
				return nil, nil, err
			}
		case inMemFile:
			fd, ok := c.fds.next()
			if !ok {
				return nil, nil, errMissingFile
			}
			var err error
			if c.mapFiles {
				buf, err = memfile.Map(fd, int(n))
				if err == nil && n > 0 {
					mappings = append(mappings, buf)
				}
			} else if err = fileHolds(fd, n); err == nil {
				buf = wire.AlignedBuffer(int(n))
				err = memfile.Read(fd, buf)
			}
			memfile.Close(fd)
			if err != nil {
				return nil, nil, err
			}
		default:
			return nil, nil, fmt.Errorf("%w: attachment mode %d", wire.ErrMalformedFrame, desc[9*i+8])
		}
		f.Attachments[i] = buf
		received += int64(n)
	}
	c.received += received
	return f, mappings, nil
}

// fdReader reads from the socket, collecting the file descriptors that arrive with the bytes.
type fdReader struct {
	uc    *net.UnixConn
	oob   [unixRightsSpace]byte
	mu    sync.Mutex
	queue []int
}

const unixRightsSpace = 256

func (r *fdReader) Read(p []byte) (int, error) {
	n, oobn, _, _, err := r.uc.ReadMsgUnix(p, r.oob[:])
	n, oobn = max(n, 0), max(oobn, 0)
	if oobn > 0 {
		msgs, perr := unix.ParseSocketControlMessage(r.oob[:oobn])
		if perr == nil {
			for _, m := range msgs {
				fds, ferr := unix.ParseUnixRights(&m)
				if ferr == nil {
					r.mu.Lock()
					r.queue = append(r.queue, fds...)
					r.mu.Unlock()
				}
			}
		}
	}
	if n == 0 && err == nil {
		return 0, io.EOF
	}
	return n, err
}

func (r *fdReader) next() (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.queue) == 0 {
		return -1, false
	}
	fd := r.queue[0]
	r.queue = r.queue[1:]
	return fd, true
}
