// Package delayed is a stand-in for lazygraph's delayed package with the signatures the
// analyzer looks at.
package delayed

import "context"

type Delayed[T any] struct{ v T }

type FuncOption func()

func Pure() FuncOption { return nil }

func Value[T any](v T) Delayed[T] { return Delayed[T]{v} }

func Func1[A, R any](f func(A) R, opts ...FuncOption) func(Delayed[A]) Delayed[R] { return nil }

func Func2E[A, B, R any](f func(A, B) (R, error), opts ...FuncOption) func(Delayed[A], Delayed[B]) Delayed[R] {
	return nil
}

func Func1Ctx[A, R any](f func(context.Context, A) (R, error), opts ...FuncOption) func(Delayed[A]) Delayed[R] {
	return nil
}

func Call1[A, R any](f func(A) R, x Delayed[A]) Delayed[R] { return Delayed[R]{} }

func Wrap[R any](f any, opts ...FuncOption) func(args ...any) Delayed[R] { return nil }

func Map[A, R any](f func(Delayed[A]) Delayed[R], values []A) []Delayed[R] { return nil }
