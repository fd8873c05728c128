package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// Store is a directory of results. It is safe for concurrent use, also by several processes.
type Store struct {
	dir string
	log *zap.Logger
}

// ErrCorrupt is matched by the error for an entry whose contents do not check out.
var ErrCorrupt = errors.New("corrupt store entry")

const (
	magic       = "LGSTORE1"
	entrySuffix = ".lgr"
	tempPrefix  = ".tmp-"
	maxEntries  = 1 << 20 // attachments per entry: more is a corrupt header
)

// Open returns the store kept in dir, creating the directory if needed. log reports corrupt
// entries and failed writes; nil logs nothing.
func Open(dir string, log *zap.Logger) (*Store, error) {
	if dir == "" {
		return nil, errors.New("result store: no directory given")
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("result store: %w", err)
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Store{dir: dir, log: log}, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// EntryName returns the file name, inside the store's directory, of key's entry.
func EntryName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:]) + entrySuffix
}

// Get returns the value kept under key. ok is false when there is none, and also when the
// entry was corrupt: it is then logged and removed.
func (s *Store) Get(key string) (v wire.Value, ok bool) {
	path := filepath.Join(s.dir, EntryName(key))
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("result store: cannot read entry", zap.String("key", key), zap.Error(err))
		}
		return wire.Value{}, false
	}
	gotKey, v, err := decodeEntry(data)
	if err == nil && gotKey != key {
		err = fmt.Errorf("%w: holds key %q", ErrCorrupt, gotKey)
	}
	if err != nil {
		s.Discard(key, err)
		return wire.Value{}, false
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // last use, for prune -older-than; best effort
	return v, true
}

// Discard removes key's entry, logging why: for a corrupt entry, or one whose value no longer
// decodes.
func (s *Store) Discard(key string, why error) {
	path := filepath.Join(s.dir, EntryName(key))
	s.log.Warn("result store: removing an unusable entry; it will be recomputed",
		zap.String("key", key), zap.String("file", path), zap.Error(why))
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("result store: cannot remove entry", zap.String("file", path), zap.Error(err))
	}
}

// Put keeps v under key. It returns false, without error, when another writer put the entry
// first (the first writer wins; its entry is kept).
func (s *Store) Put(key string, v wire.Value) (won bool, err error) {
	return s.PutEntry(key, Encode(key, v))
}

// Encode returns key's entry holding v, for [Store.PutEntry]: how a caller copies a value out of
// memory it must give back before the entry is written.
func Encode(key string, v wire.Value) []byte { return encodeEntry(key, v) }

// PutEntry is [Store.Put] with an entry made by [Encode] for the same key.
func (s *Store) PutEntry(key string, entry []byte) (won bool, err error) {
	final := filepath.Join(s.dir, EntryName(key))
	tmp, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return false, fmt.Errorf("result store: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // linked or failed: the name goes either way
	_, err = tmp.Write(entry)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("result store: writing %s: %w", key, err)
	}
	err = os.Link(tmp.Name(), final)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrExist):
		return false, nil
	}
	// No hard links on this file system: rename, which is atomic too but replaces; an entry
	// already there is left alone.
	if _, serr := os.Stat(final); serr == nil {
		return false, nil
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return false, fmt.Errorf("result store: %w", err)
	}
	return true, nil
}

// encodeEntry lays an entry out as: magic, key length and key, attachment count, body and
// attachment lengths, body, attachments, and the SHA-256 of everything before it.
func encodeEntry(key string, v wire.Value) []byte {
	n := len(magic) + 4 + len(key) + 4 + 8*(1+len(v.Attachments)) + v.Size() + sha256.Size
	b := make([]byte, 0, n)
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(key)))
	b = append(b, key...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(v.Attachments)))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(v.Body)))
	for _, a := range v.Attachments {
		b = binary.LittleEndian.AppendUint64(b, uint64(len(a)))
	}
	b = append(b, v.Body...)
	for _, a := range v.Attachments {
		b = append(b, a...)
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

func decodeEntry(data []byte) (string, wire.Value, error) {
	if len(data) < len(magic)+sha256.Size || !bytes.HasPrefix(data, []byte(magic)) {
		return "", wire.Value{}, fmt.Errorf("%w: truncated or not an entry (%d bytes)", ErrCorrupt, len(data))
	}
	content, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(content); !bytes.Equal(sum, want[:]) {
		return "", wire.Value{}, fmt.Errorf("%w: checksum mismatch (truncated or changed)", ErrCorrupt)
	}
	r := reader{b: content[len(magic):]}
	key := string(r.next(int(r.uint32())))
	count := r.uint32()
	if count > maxEntries {
		return "", wire.Value{}, fmt.Errorf("%w: %d attachments", ErrCorrupt, count)
	}
	lens := make([]uint64, 1+count)
	for i := range lens {
		lens[i] = r.uint64()
	}
	var v wire.Value
	v.Body = r.next(int(min(lens[0], uint64(len(r.b)+1))))
	for _, n := range lens[1:] {
		v.Attachments = append(v.Attachments, r.next(int(min(n, uint64(len(r.b)+1)))))
	}
	if r.bad || len(r.b) != 0 {
		return "", wire.Value{}, fmt.Errorf("%w: lengths do not match the contents", ErrCorrupt)
	}
	return key, v, nil
}

// reader reads an entry's fields; reading past the end sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) next(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.bad = true
		r.b = nil
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uint32() uint32 {
	b := r.next(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *reader) uint64() uint64 {
	b := r.next(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// isEntry reports whether a file name in the directory is an entry's.
func isEntry(name string) bool {
	return strings.HasSuffix(name, entrySuffix) && !strings.HasPrefix(name, tempPrefix)
}
