package distributed

import "github.com/lazygraph/lazygraph/internal/worker"

// kindLimits bounds frames by kind. Control messages have small limits of their own; frames that
// carry values, graphs or results may be as large as the connection allows (c.limit). A limit of
// 0 means the connection's.
var kindLimits = func() (l [256]int64) {
	l[kindHeartbeat] = 64
	l[kindChallenge] = 1 << 10
	l[kindResponse] = 1 << 10
	l[kindWelcome] = 1 << 10
	l[kindRefuse] = 64 << 10
	l[kindHello] = 64 << 10
	l[kindWorkerInfo] = 1 << 10
	l[kindCancelJob] = 64 << 10
	l[kindStored] = 64 << 10
	l[kindRetire] = 64 << 10
	l[worker.KindHello] = 64 << 10
	l[worker.KindCancel] = 64 << 10
	l[worker.KindRefuse] = 64 << 10
	l[worker.KindMemory] = 4 << 10
	l[worker.KindHandBack] = 64
	return l
}()

// kindLimit returns the largest frame of the given kind this connection accepts now.
func (c *conn) kindLimit(kind byte) int64 {
	if l := kindLimits[kind]; l > 0 && l < c.limit {
		return l
	}
	return c.limit
}
