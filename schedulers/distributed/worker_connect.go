package distributed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// EnvConnectTimeout is how long a worker keeps trying to reach its scheduler: a Go duration
// ("90s", "5m") or a number of seconds.
const EnvConnectTimeout = "LAZYGRAPH_CONNECT_TIMEOUT"

// DefaultConnectTimeout is how long a worker keeps trying to reach its scheduler unless told.
const DefaultConnectTimeout = 60 * time.Second

// ErrUnreachable is matched by the error of a worker that could not reach its scheduler for its
// whole connect timeout.
var ErrUnreachable = errors.New("cannot reach the scheduler")

// errToldToStop ends a worker the scheduler told to stop: it exits successfully.
var errToldToStop = errors.New("the scheduler shut down")

// lostScheduler is the end of a session whose connection broke without the scheduler saying
// goodbye: the scheduler crashed, or the network failed.
type lostScheduler struct {
	address string
	err     error
}

func (l *lostScheduler) Error() string {
	return fmt.Sprintf("lost the scheduler at %s: %v", l.address, l.err)
}

func (l *lostScheduler) Unwrap() error { return l.err }

// lostOr returns err as a *lostScheduler when it is the connection breaking, err otherwise.
func lostOr(address string, err error) error {
	if err == nil || errors.Is(err, ErrAuth) || errors.Is(err, ErrRefused) {
		return err
	}
	var netErr net.Error
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.As(err, &netErr) {
		return &lostScheduler{address: address, err: err}
	}
	return err
}

// ConnectTimeoutFromEnvironment returns the connect timeout EnvConnectTimeout sets, or
// DefaultConnectTimeout when it is unset.
func ConnectTimeoutFromEnvironment() (time.Duration, error) {
	return ParseConnectTimeout(os.Getenv(EnvConnectTimeout))
}

// ParseConnectTimeout reads a connect timeout: a Go duration or a number of seconds;
// DefaultConnectTimeout for "".
func ParseConnectTimeout(s string) (time.Duration, error) {
	if s == "" {
		return DefaultConnectTimeout, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		var secs float64
		if _, serr := fmt.Sscanf(s, "%g", &secs); serr != nil || fmt.Sprint(secs) != s {
			return 0, fmt.Errorf("connect timeout %q: want a duration such as 90s or a number of seconds", s)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("connect timeout %q: must be positive", s)
	}
	return d, nil
}

// connectWorker connects to the scheduler, trying again with backoff until opts.ConnectTimeout
// has passed. With a scheduler file, each attempt reads it afresh (a restarted scheduler may
// listen elsewhere), and takes the token from it unless one was given.
func connectWorker(ctx context.Context, opts *WorkerOptions, explicitToken string) (*conn, error) {
	deadline := time.Now().Add(opts.ConnectTimeout)
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		var err error
		if opts.SchedulerFile != "" {
			err = opts.readSchedulerFile(explicitToken)
		}
		if err == nil {
			var c *conn
			if c, err = dial(opts.Address, opts.TLS); err == nil {
				return c, nil
			}
		}
		if isFatalConnectError(err) {
			return nil, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			where := opts.Address
			switch {
			case opts.SchedulerFile != "" && opts.Address == "":
				where = "named by the scheduler file " + opts.SchedulerFile
			case opts.SchedulerFile != "":
				where = fmt.Sprintf("%s (scheduler file %s)", opts.Address, opts.SchedulerFile)
			}
			return nil, fmt.Errorf("%w at %s after trying for %v (%d attempts; set %s or -connect-timeout to wait longer): %w",
				ErrUnreachable, where, opts.ConnectTimeout, attempt, EnvConnectTimeout, err)
		}
		if attempt == 1 {
			opts.Log.Info("cannot reach the scheduler yet; trying again", zap.String("scheduler", opts.Address), zap.String("error", err.Error()))
		}
		t := time.NewTimer(min(backoff, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// errSchedulerFileTLS is a scheduler file asking for TLS from a worker without a TLS configuration.
var errSchedulerFileTLS = fmt.Errorf("the scheduler serves TLS: set %s (or -tls-ca)", EnvTLSCA)

func isFatalConnectError(err error) bool {
	return errors.Is(err, errSchedulerFileTLS)
}

// readSchedulerFile takes the address (and token) from the scheduler file.
func (opts *WorkerOptions) readSchedulerFile(explicitToken string) error {
	f, err := ReadSchedulerFile(opts.SchedulerFile)
	if err != nil {
		return err
	}
	if f.TLS && opts.TLS == nil {
		return errSchedulerFileTLS
	}
	opts.Address = f.Address
	opts.Token = explicitToken
	if opts.Token == "" {
		opts.Token = f.Token
	}
	return nil
}
