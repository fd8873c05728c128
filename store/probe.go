package store

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// ProbePrefix starts the name of a probe file: a file a process makes in a store's directory so
// that processes elsewhere can tell whether they see the same directory (a shared file system)
// or another of the same name. Probes are temporary files: Prune removes those left behind.
const ProbePrefix = tempPrefix + "shared-"

// NewProbe makes a probe file in dir and returns its name and a function removing it.
func NewProbe(dir string) (name string, remove func(), err error) {
	var token [16]byte
	_, _ = rand.Read(token[:]) // never fails
	name = ProbePrefix + hex.EncodeToString(token[:])
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, nil, 0o666); err != nil {
		return "", func() {}, err
	}
	return name, func() { _ = os.Remove(path) }, nil
}

// SeesProbe reports whether the probe file name (made by NewProbe) is in dir as this process
// sees it: whether dir is the directory the probe's maker sees. A name that is not a probe's is
// never seen.
func SeesProbe(dir, name string) bool {
	token, ok := strings.CutPrefix(name, ProbePrefix)
	if !ok || len(token) != 32 || !filepath.IsAbs(dir) {
		return false
	}
	if _, err := hex.DecodeString(token); err != nil {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, name))
	return err == nil && fi.Mode().IsRegular()
}
