package distributed

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/google/pprof/profile"
)

// maxProfileBytes bounds a worker's CPU profile once decompressed. pprof's ParseData inflates
// gzip without a bound, so a small hostile answer could make the scheduler allocate gigabytes; a
// real profile of the longest time a worker is asked for is far smaller.
const maxProfileBytes = 256 << 20

// parseProfile parses a worker's profile (pprof's format, gzip-compressed or not), refusing one
// that inflates beyond maxProfileBytes.
func parseProfile(data []byte) (*profile.Profile, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("profile: %w", err)
		}
		raw, err := io.ReadAll(io.LimitReader(zr, maxProfileBytes+1))
		if err != nil {
			return nil, fmt.Errorf("profile: %w", err)
		}
		if len(raw) > maxProfileBytes {
			return nil, fmt.Errorf("profile: more than %d bytes once decompressed", maxProfileBytes)
		}
		data = raw
	}
	return profile.ParseUncompressed(data)
}
