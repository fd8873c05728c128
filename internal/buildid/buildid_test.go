package buildid

import (
	"os"
	"strings"
	"testing"
)

func TestSelfIsStableAndDiffersFromOtherPrograms(t *testing.T) {
	a, err := Self()
	if err != nil || !strings.HasPrefix(a, "go:") {
		t.Fatalf("Self() = %q, %v; want a Go build id", a, err)
	}
	if b, _ := Self(); a != b {
		t.Errorf("Self changed: %q then %q", a, b)
	}
	other, err := Of("/bin/sh")
	if err != nil || other == a {
		t.Errorf("Of(/bin/sh) = %q, %v", other, err)
	}
	exe, _ := os.Executable()
	if again, _ := Of(exe); again != a {
		t.Errorf("Of(own executable) = %q, Self() = %q", again, a)
	}
}
