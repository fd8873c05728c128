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
	ref    []uint64 // per task: packed chunk, offset and length+1; 0 for none. nil until first use
	chunks [][]byte
	live   []int32 // values kept per chunk
}

const (
	smallLimit = 1 << 12 // larger bodies, and any with attachments, get an Encoded
	smallChunk = 1 << 16

	smallLenBits = 13 // length+1, at most smallLimit+1
	smallOffBits = 17 // offset in a chunk, below smallChunk
)

func smallPack(chunk, off, n int) uint64 {
	return uint64(chunk)<<(smallLenBits+smallOffBits) | uint64(off)<<smallLenBits | uint64(n+1)
}

func smallUnpack(r uint64) (chunk, off, n int) {
	return int(r >> (smallLenBits + smallOffBits)), int(r>>smallLenBits) & (1<<smallOffBits - 1), int(r&(1<<smallLenBits-1)) - 1
}

// fits reports whether a body is kept here rather than in an Encoded.
func (s *smallValues) fits(body []byte, attachments int) bool {
	return attachments == 0 && len(body) <= smallLimit
}

// put keeps task i's body (a copy), replacing any earlier one. tasks is the computation's size.
func (s *smallValues) put(i int32, body []byte, tasks int) {
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
	s.ref[i] = smallPack(k, off, len(body))
}

// get returns task i's body, if kept here. Do not modify it.
func (s *smallValues) get(i int32) ([]byte, bool) {
	if s.ref == nil || s.ref[i] == 0 {
		return nil, false
	}
	k, off, n := smallUnpack(s.ref[i])
	return s.chunks[k][off : off+n : off+n], true
}

func (s *smallValues) has(i int32) bool { return s.ref != nil && s.ref[i] != 0 }

// drop forgets task i's body.
func (s *smallValues) drop(i int32) {
	if s.ref == nil || s.ref[i] == 0 {
		return
	}
	k, _, _ := smallUnpack(s.ref[i])
	s.ref[i] = 0
	if s.live[k]--; s.live[k] == 0 && k < len(s.chunks)-1 {
		s.chunks[k] = nil // the last chunk stays, to be filled
	}
}

// reset forgets every body.
func (s *smallValues) reset() { *s = smallValues{} }
