package cluster

// smallValues keeps the small results that come back to the coordinator (a body of at most
// smallLimit bytes and no attachments) of one computation: their bytes are appended to shared
// chunks and each task has one packed reference, instead of an Encoded (over 100 bytes) and an
// allocation per value. A wide graph of 1e6 tasks brings 1e6 such values back for the task
// gathering them.
//
// Bytes in a chunk are never overwritten: a message that carries a body keeps its chunk alive
// after the computation drops it. A chunk is let go once none of its values is kept.
type smallValues struct {
	ref    []uint64 // per task: packed chunk, type, offset and length+1; 0 for none. nil until first use
	chunks [][]byte
	live   []int32  // values kept per chunk
	types  []string // the values' wire types, each once
}

const (
	smallLimit = 1 << 12 // larger bodies, and any with attachments, get an Encoded
	smallChunk = 1 << 16

	smallLenBits  = 13 // length+1, at most smallLimit+1
	smallOffBits  = 16 // offset in a chunk, below smallChunk
	smallTypeBits = 8  // index in types
	smallTypes    = 1 << smallTypeBits
)

func smallPack(chunk, typ, off, n int) uint64 {
	return uint64(chunk)<<(smallLenBits+smallOffBits+smallTypeBits) | uint64(typ)<<(smallLenBits+smallOffBits) |
		uint64(off)<<smallLenBits | uint64(n+1)
}

func smallUnpack(r uint64) (chunk, typ, off, n int) {
	return int(r >> (smallLenBits + smallOffBits + smallTypeBits)), int(r>>(smallLenBits+smallOffBits)) & (smallTypes - 1),
		int(r>>smallLenBits) & (1<<smallOffBits - 1), int(r&(1<<smallLenBits-1)) - 1
}

// fits reports whether a body is kept here rather than in an Encoded.
func (s *smallValues) fits(body []byte, attachments int) bool {
	return attachments == 0 && len(body) <= smallLimit
}

// typeIndex returns typ's index in types, adding it; false when there are too many types.
func (s *smallValues) typeIndex(typ string) (int, bool) {
	for k := len(s.types) - 1; k >= 0; k-- {
		if s.types[k] == typ {
			return k, true
		}
	}
	if len(s.types) == smallTypes {
		return 0, false
	}
	s.types = append(s.types, typ)
	return len(s.types) - 1, true
}

// put keeps task i's body (a copy), of wire type typ, replacing any earlier one; false (and
// nothing kept) when the body does not fit or there are too many types. tasks is the
// computation's size.
func (s *smallValues) put(i int32, body []byte, typ string, tasks int) bool {
	t, ok := s.typeIndex(typ)
	if !ok || len(body) > smallLimit {
		return false
	}
	if s.ref == nil {
		s.ref = make([]uint64, tasks)
	}
	s.drop(i)
	k := len(s.chunks) - 1
	if k < 0 || s.chunks[k] == nil || len(s.chunks[k])+len(body) > cap(s.chunks[k]) {
		if k >= 0 && s.live[k] == 0 {
			s.chunks[k] = nil
		}
		s.chunks = append(s.chunks, make([]byte, 0, smallChunk))
		s.live = append(s.live, 0)
		k++
	}
	off := len(s.chunks[k])
	s.chunks[k] = append(s.chunks[k], body...)
	s.live[k]++
	s.ref[i] = smallPack(k, t, off, len(body))
	return true
}

// get returns task i's body and type, if kept here. Do not modify the body.
func (s *smallValues) get(i int32) ([]byte, string, bool) {
	if s.ref == nil || s.ref[i] == 0 {
		return nil, "", false
	}
	k, t, off, n := smallUnpack(s.ref[i])
	return s.chunks[k][off : off+n : off+n], s.types[t], true
}

func (s *smallValues) has(i int32) bool { return s.ref != nil && s.ref[i] != 0 }

// drop forgets task i's body.
func (s *smallValues) drop(i int32) {
	if s.ref == nil || s.ref[i] == 0 {
		return
	}
	k, _, _, _ := smallUnpack(s.ref[i])
	s.ref[i] = 0
	if s.live[k]--; s.live[k] == 0 && k < len(s.chunks)-1 {
		s.chunks[k] = nil // the last chunk stays, to be filled
	}
}

// reset forgets every body.
func (s *smallValues) reset() { *s = smallValues{} }
