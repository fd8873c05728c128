package distributed

import (
	"time"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// goodbyeTimeout bounds the goodbye written to a worker the scheduler drops.
const goodbyeTimeout = 100 * time.Millisecond

// goodbye tells the peer, best effort and without waiting, that it is dropped on purpose, so
// that a worker exits instead of rejoining (it would rejoin after losing a scheduler that
// crashed). Nothing is written while another write is under way, and never for longer than
// goodbyeTimeout: the caller (the coordinator's loop) must not wait on a peer that does not read.
func (c *conn) goodbye(reason string) {
	body, err := encodeMessage(&shutdownNotice{Reason: reason})
	if err != nil || !c.wmu.TryLock() {
		return
	}
	defer c.wmu.Unlock()
	c.raw.SetWriteDeadline(time.Now().Add(goodbyeTimeout))
	if wire.WriteFrame(c.w, &wire.Frame{Kind: kindShutdown, Body: body}) == nil {
		_ = c.w.Flush()
	}
}
