package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	os.Exit(m.Run())
}

func TestSameAnswerOnEveryScheduler(t *testing.T) {
	var first string
	for _, s := range []string{"synchronous", "threads", "processes"} {
		var out bytes.Buffer
		if err := run(context.Background(), &out, io.Discard, delayed.WithScheduler(s), delayed.WithWorkers(2)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if !strings.HasPrefix(out.String(), "bootstrap standard error of the mean: 0.0") {
			t.Errorf("%s printed %q", s, out.String())
		}
		if first == "" {
			first = out.String()
		} else if out.String() != first {
			t.Errorf("%s printed %q, synchronous %q", s, out.String(), first)
		}
	}
}
