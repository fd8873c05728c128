//go:build !unix

package worker

import "os"

// lockSpillDir is a no-op where there is no flock: process ids alone tell a dead worker's
// directory.
func lockSpillDir(string) (*os.File, error) { return nil, nil }

func spillDirLocked(string) bool { return false }
