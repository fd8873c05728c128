// Package store keeps task results in a directory so that they outlive the process: a
// content-addressed result store, what delayed.WithCache and LAZYGRAPH_CACHE use to resume a
// computation that was killed.
//
// Contract:
//   - An entry is named by a task key that is determined by content (see graph.ContentKeyed):
//     the file name is a hash of the key, and the key itself is kept inside the entry and checked
//     on every read, so two keys never share an entry.
//   - Values are kept in lazygraph's wire encoding: every value that can travel between
//     processes can be kept.
//   - Writes are atomic: an entry is written to a temporary file in the same directory and then
//     linked into place. When several processes write the same entry at once exactly one wins
//     and the others are told so; a reader never sees a partial entry.
//   - Every entry carries a SHA-256 checksum of its contents. An entry that is truncated,
//     corrupted or otherwise unreadable is reported through the logger, removed and treated as
//     missing: it is never returned.
//   - Several processes (on one machine, or on machines sharing the directory over a file
//     system with atomic link or rename) may use one directory at once.
package store
