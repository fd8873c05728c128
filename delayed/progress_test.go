package delayed_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

func TestFunctionProgress(t *testing.T) {
	parts := make([]delayed.Delayed[float64], 12)
	for i := range parts {
		parts[i] = norm2(delayed.Value(point{float64(i), 0}))
	}
	check := func(t *testing.T, out string) {
		t.Helper()
		if !strings.Contains(out, "100% 14/14 tasks") || !strings.Contains(out, "tasks/s") {
			t.Errorf("no final overall line with a rate in %q", out)
		}
		for _, want := range []string{"] 100% 12/12\n", "] 100% 1/1\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("no function line ending %q in\n%s", want, out)
			}
		}
		if !strings.Contains(out, "  delayed_test.norm2 ") || !strings.Contains(out, "  delayed_test.sumF ") {
			t.Errorf("function lines do not name functions:\n%s", out)
		}
	}
	t.Run("option", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := sumF(delayed.All(parts)).Compute(context.Background(), delayed.WithFunctionProgress(&buf)); err != nil {
			t.Fatal(err)
		}
		check(t, buf.String())
	})
	t.Run("environment", func(t *testing.T) {
		f, err := os.CreateTemp(t.TempDir(), "stderr")
		if err != nil {
			t.Fatal(err)
		}
		stderr := os.Stderr
		os.Stderr = f
		t.Setenv(delayed.EnvProgress, "functions")
		_, err = sumF(delayed.All(parts)).Compute(context.Background())
		os.Stderr = stderr
		if err != nil {
			t.Fatal(err)
		}
		out, _ := os.ReadFile(f.Name())
		check(t, string(out))
	})
}
