package dataframe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCSVWithColumns(t *testing.T) {
	// The skipped columns hold what would be errors if they were read: a
	// stray token among numbers and invalid UTF-8.
	in := "a,skip1,b,skip2,c\n1,x,p,\xff,2.5\n2,2,q,z,3.5\n3,3,r,z,\n"
	f, err := readBoth(t, in, WithColumns("c", "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Names(), []string{"c", "a", "b"}) || !slices.Equal(f.Types(), []Type{Float64, Int64, String}) {
		t.Fatalf("columns %v %v", f.Names(), f.Types())
	}
	a, _ := f.Int64s("a")
	b, _ := f.Strings("b")
	if !slices.Equal(a, []int64{1, 2, 3}) || !slices.Equal(b, []string{"p", "q", "r"}) {
		t.Errorf("a %v b %q", a, b)
	}
	if c, _ := f.Column("c"); !c.IsMissing(2) {
		t.Error("missing value lost")
	}
	// Errors name the field's number in the file.
	_, err = readBoth(t, "a,b,c\n1,2,3\n4,5,x\n6,7,8\n", WithColumns("c"))
	wantParseError(t, err, 3, 3, "c", `"x"`)
	_, err = readBoth(t, "a,b,c\n1,2,3\n4,5\n", WithColumns("a"))
	wantParseError(t, err, 3, 3, "c", "2 fields")
	// Bad selections.
	if _, err := readBoth(t, in, WithColumns("a", "nope")); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := readBoth(t, in, WithColumns("a", "a")); !errors.Is(err, ErrArgument) {
		t.Errorf("column twice: %v", err)
	}
	// A type fixed for a column not read is ignored; for an unknown one it is an error.
	if _, err := readBoth(t, in, WithColumns("a"), WithColumnType("skip1", Int64)); err != nil {
		t.Errorf("type of a column not read: %v", err)
	}
	if _, err := readBoth(t, in, WithColumns("a"), WithColumnType("nope", Int64)); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("type of an unknown column: %v", err)
	}

	// The lazy reader too.
	path := filepath.Join(t.TempDir(), "cols.csv")
	if err := os.WriteFile(path, []byte(strings.Repeat("a,skip1,b\n", 1)+strings.Repeat("1,x,p\n2,2,q\n", 50)), 0o644); err != nil {
		t.Fatal(err)
	}
	lf, err := ReadCSVLazy(path, WithColumns("b", "a"), WithBlockSize(100))
	if err != nil {
		t.Fatal(err)
	}
	got, err := lf.Frame().Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Names(), []string{"b", "a"}) || got.NumRows() != 100 {
		t.Errorf("lazy: %v, %d rows", got.Names(), got.NumRows())
	}
}
