package dataframe

import "github.com/lazygraph/lazygraph/delayed"

// init registers what crosses into worker processes: frames and columns
// in interface-typed slots (a task taking any, a []any of results), and
// this package's errors, so that errors.Is and errors.As work on a
// computation's error whichever scheduler ran it. Every process of a
// program runs this in the same order, as the registries require.
func init() {
	delayed.RegisterType[*Frame]()
	delayed.RegisterType[*Column]()
	delayed.RegisterType[[]*Frame]()
	delayed.RegisterType[[]*Column]()
	for _, sentinel := range []error{
		ErrUnknownColumn, ErrColumnType, ErrDuplicateColumn, ErrLength, ErrRowIndex,
		ErrMissingValue, ErrMalformed, ErrArgument, ErrSchema,
	} {
		delayed.RegisterError(sentinel)
	}
	delayed.RegisterError(&UnknownColumnError{})
	delayed.RegisterError(&ColumnTypeError{})
	delayed.RegisterError(&ParseError{})
}
