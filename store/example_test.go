package store_test

import (
	"fmt"
	"os"
	"reflect"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/store"
)

func Example() {
	dir, err := os.MkdirTemp("", "lazygraph-store")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	s, err := store.Open(dir, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	enc, err := wire.Encode([]float64{1, 2, 3}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	won, err := s.Put("main.fit-0123", enc)
	fmt.Println(won, err)
	won, err = s.Put("main.fit-0123", enc) // a second writer of the same entry
	fmt.Println(won, err)
	got, ok := s.Get("main.fit-0123")
	v, err := wire.Decode(got, reflect.TypeFor[[]float64]())
	fmt.Println(ok, v, err)
	// Output:
	// true <nil>
	// false <nil>
	// true [1 2 3] <nil>
}
