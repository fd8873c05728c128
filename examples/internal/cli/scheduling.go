package cli

import (
	"flag"

	"github.com/lazygraph/lazygraph/delayed"
)

// Scheduling holds the flags that choose where an example's tasks run. A flag left out leaves
// the choice to the LAZYGRAPH_* environment variables, and then to lazygraph's defaults, so the
// same program runs serially, on every core or in worker processes without changing its code.
type Scheduling struct {
	fs        *flag.FlagSet
	scheduler string
	workers   int
	chunksize int
	progress  bool
}

// AddFlags defines -scheduler, -workers, -chunksize and -progress on fs.
func AddFlags(fs *flag.FlagSet) *Scheduling {
	s := &Scheduling{fs: fs}
	fs.StringVar(&s.scheduler, "scheduler", "", "where tasks run: synchronous, threads or processes\n(default $"+delayed.EnvScheduler+", else "+delayed.DefaultScheduler+")")
	fs.IntVar(&s.workers, "workers", 0, "how many tasks run at once (default $"+delayed.EnvWorkers+", else one per core)")
	fs.IntVar(&s.chunksize, "chunksize", 0, "tasks per message to a worker process, 0 to adapt (default $"+delayed.EnvChunksize+", else 0)")
	fs.BoolVar(&s.progress, "progress", false, "draw a progress bar on standard error")
	return s
}

// Options returns lazygraph options for the scheduling flags that were given, after the flag
// set has been parsed. A value out of range is a usage error naming the flag.
func (s *Scheduling) Options() ([]delayed.Option, error) {
	var (
		opts []delayed.Option
		err  error
	)
	s.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "scheduler":
			opts = append(opts, delayed.WithScheduler(s.scheduler))
		case "workers":
			if s.workers < 1 {
				err = Usagef("-workers %d: want at least 1", s.workers)
			}
			opts = append(opts, delayed.WithWorkers(s.workers))
		case "chunksize":
			if s.chunksize < 0 {
				err = Usagef("-chunksize %d: want 0 (adaptive) or more", s.chunksize)
			}
			opts = append(opts, delayed.WithChunksize(s.chunksize))
		case "progress":
			if s.progress {
				opts = append(opts, delayed.WithProgress(s.fs.Output()))
			}
		}
	})
	return opts, err
}

// ParseScheduled adds the scheduling flags to fs (after the example's own), parses args, and
// returns the lazygraph options for the scheduling flags that were given: AddFlags, Parse and
// Options in one call.
func ParseScheduled(fs *flag.FlagSet, args []string) ([]delayed.Option, error) {
	s := AddFlags(fs)
	if err := Parse(fs, args); err != nil {
		return nil, err
	}
	return s.Options()
}
