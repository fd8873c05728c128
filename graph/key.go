package graph

// Key names a task. Keys are unique within a graph; they appear in errors, in DOT output and on
// the wire between a client and remote workers.
type Key string
