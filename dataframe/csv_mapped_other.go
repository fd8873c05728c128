//go:build !linux

package dataframe

import "os"

// mapFile does not map files on this platform: ReadCSV reads them.
func mapFile(*os.File) ([]byte, func(), bool) { return nil, nil, false }

// releasePages does nothing where files are not mapped.
func releasePages([]byte) {}
