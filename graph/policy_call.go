package graph

import (
	"context"
	"errors"
	"time"
)

// CallFunc makes one attempt at a call: Function.Call, or a hook around it.
type CallFunc func(ctx context.Context, args []any) (any, error)

// CallWithPolicy calls f with args under f's policy: up to 1+retries attempts (f's own Retries
// when set, else retries), each limited by f's Timeout, with a growing pause between attempts
// (10 ms doubling up to a second). Every attempt gets the same arguments and the same context,
// hence the same random stream, so a retry that succeeds gives what an unfailed first attempt
// would have. call makes each attempt (nil: f.Call). It returns the result, the number of
// attempts made and the last error. Every scheduler runs tasks through it, in its own process
// or on a worker.
func CallWithPolicy(ctx context.Context, f *Function, args []any, retries int, call CallFunc) (any, int, error) {
	if call == nil {
		call = f.Call
	}
	policy := f.Policy()
	if policy.Retries != 0 {
		retries = policy.Retries
	}
	for attempt := 1; ; attempt++ {
		v, err := attemptOnce(ctx, call, args, policy.Timeout)
		if err == nil || attempt > retries || ctx.Err() != nil {
			return v, attempt, err
		}
		if !pause(ctx, backoff(attempt)) {
			return nil, attempt, err
		}
	}
}

// CallAttempt makes attempt number attempt (1 for the first) of f under its policy, and only
// that one: the caller runs the next one where it chooses (a coordinator, on another worker),
// with the same arguments and random stream. A later attempt first pauses the backoff due after
// the one before it, as CallWithPolicy does. more reports whether the policy allows another
// attempt after this one failed.
func CallAttempt(ctx context.Context, f *Function, args []any, retries, attempt int, call CallFunc) (v any, more bool, err error) {
	if call == nil {
		call = f.Call
	}
	policy := f.Policy()
	if policy.Retries != 0 {
		retries = policy.Retries
	}
	attempt = max(attempt, 1)
	if attempt > 1 && !pause(ctx, backoff(attempt-1)) {
		return nil, false, context.Cause(ctx)
	}
	v, err = attemptOnce(ctx, call, args, policy.Timeout)
	return v, err != nil && attempt <= retries && ctx.Err() == nil, err
}

// attemptOnce makes one attempt, failing it with a *TimeoutError when it runs past limit (when
// limit is positive).
func attemptOnce(ctx context.Context, call CallFunc, args []any, limit time.Duration) (any, error) {
	if limit <= 0 {
		return call(ctx, args)
	}
	timeout := &TimeoutError{Limit: limit}
	tctx, cancel := context.WithTimeoutCause(ctx, limit, timeout)
	defer cancel()
	v, err := call(tctx, args)
	if ctx.Err() == nil && errors.Is(context.Cause(tctx), ErrTimeout) {
		return nil, timeout
	}
	return v, err
}

// backoff is the pause before attempt+1: 10 ms doubling up to a second.
func backoff(attempt int) time.Duration {
	d := 10 * time.Millisecond << min(attempt-1, 7)
	return min(d, time.Second)
}

// pause waits d, or until ctx ends (then it returns false).
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
