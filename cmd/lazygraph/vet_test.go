package main

import (
	"bytes"
	"context"
	"testing"
)

func TestVetSilentOnQuickstart(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"vet", "../../examples/quickstart"}, &stdout, &stderr); code != 0 || stdout.Len() > 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"vet", "-h"}, &stdout, &stderr); code != 0 || !bytes.Contains(stderr.Bytes(), []byte("usage: lazygraph vet")) {
		t.Errorf("vet -h: exit %d, stderr %q", code, stderr.String())
	}
}
