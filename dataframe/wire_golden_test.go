package dataframe

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// wireGoldenCases are the values whose encoding testdata/wire.golden
// records, as produced by the encoder of the previous release (methods on
// Frame and Column): the registration in wire_codec.go must write the
// same bytes, so workers of either build read each other's frames.
func wireGoldenCases() []struct {
	name string
	x    any
	t    reflect.Type
} {
	f := makeWireFrame()
	view, _ := f.Take([]int{3, 3, 1, 0, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3})
	group := f.Head(2)
	var nilFrame *Frame
	big := make([]float64, 20000)
	labels := make([]string, len(big))
	for i := range big {
		big[i] = float64(i) / 7
		labels[i] = string(rune('a' + i%26))
	}
	large, _ := New(NewFloat64Column("v", big), NewStringColumn("s", labels))
	return []struct {
		name string
		x    any
		t    reflect.Type
	}{
		{"frame", f, reflect.TypeFor[*Frame]()},
		{"view-as-index", view, reflect.TypeFor[*Frame]()},
		{"view-gathered", group, reflect.TypeFor[*Frame]()},
		{"column", f.columns[2], reflect.TypeFor[*Column]()},
		{"frames-in-any", []any{f, f.columns[0]}, reflect.TypeFor[[]any]()},
		{"frame-slice", []*Frame{f, nilFrame, group}, reflect.TypeFor[[]*Frame]()},
		{"nil-frame", nilFrame, reflect.TypeFor[*Frame]()},
		{"large-with-attachments", large, reflect.TypeFor[*Frame]()},
	}
}

func wireGolden(t *testing.T) string {
	var out bytes.Buffer
	for _, c := range wireGoldenCases() {
		v, err := wire.Encode(c.x, c.t)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		h := sha256.New()
		h.Write(v.Body)
		for _, a := range v.Attachments {
			h.Write(a)
		}
		out.WriteString(c.name + " " + hex.EncodeToString(h.Sum(nil)) + " " + hex.EncodeToString(v.Body) + "\n")
	}
	return out.String()
}

func TestWireBytesUnchanged(t *testing.T) {
	got := wireGolden(t)
	if os.Getenv("LAZYGRAPH_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile("testdata/wire.golden", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/wire.golden")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("frames and columns encode differently from testdata/wire.golden:\ngot:\n%s\nwant:\n%s", got, want)
	}
}
