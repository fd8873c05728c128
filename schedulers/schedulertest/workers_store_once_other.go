//go:build !linux

package schedulertest

import "testing"

func (s *suite) eachStoreEntryIsWrittenOnce(t *testing.T) {
	t.Skip("counting store writes needs inotify (Linux)")
}
