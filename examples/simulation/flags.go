package main

import (
	"flag"
	"io"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// config is what the command line asks for.
type config struct {
	replicates int
	retries    int  // -retries: runs after the first for a failed replicate
	keepGoing  bool // -keep-going: report failed replicates instead of stopping
	study      study
	scheduling []delayed.Option
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{study: study{NTest: 1000, Rho: 0.8, Sigma: 3}}
	fs := flag.NewFlagSet("simulation", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.replicates, "replicates", 1000, "number of replicates")
	fs.Uint64Var(&cfg.study.Seed, "seed", 1, "root random seed")
	fs.IntVar(&cfg.study.N, "n", 50, "training rows per replicate")
	fs.IntVar(&cfg.study.P, "p", 20, "predictors")
	fs.Float64Var(&cfg.study.Lambda, "lambda", 10, "ridge penalty")
	fs.Float64Var(&cfg.study.Sigma, "sigma", 3, "noise standard deviation")
	fs.Float64Var(&cfg.study.FailRate, "fail-rate", 0, "share of replicates whose fit does not converge (they fail on every attempt)")
	fs.Float64Var(&cfg.study.FlakyRate, "flaky-rate", 0, "share of replicates that fail once with a transient fault (-retries recovers them)")
	fs.IntVar(&cfg.retries, "retries", 0, "run a failed replicate again up to this many times")
	fs.BoolVar(&cfg.keepGoing, "keep-going", false, "compute every replicate that can be; list the failed ones on standard error")
	var err error
	if cfg.scheduling, err = cli.ParseScheduled(fs, args); err != nil {
		return config{}, err
	}

	s := cfg.study
	switch {
	case cfg.replicates < 1:
		return config{}, cli.Usagef("-replicates %d: want at least 1", cfg.replicates)
	case s.P < 1:
		return config{}, cli.Usagef("-p %d: want at least 1", s.P)
	case s.N < s.P+2:
		return config{}, cli.Usagef("-n %d: OLS with -p %d predictors needs at least %d rows", s.N, s.P, s.P+2)
	case !(s.Sigma >= 0) || s.Sigma > 1e300:
		return config{}, cli.Usagef("-sigma %v: want a finite number of at least 0", s.Sigma)
	case !(s.Lambda >= 0) || s.Lambda > 1e300:
		return config{}, cli.Usagef("-lambda %v: want a finite number of at least 0", s.Lambda)
	case !(s.FailRate >= 0 && s.FailRate <= 1):
		return config{}, cli.Usagef("-fail-rate %v: want a share from 0 to 1", s.FailRate)
	case !(s.FlakyRate >= 0 && s.FlakyRate <= 1):
		return config{}, cli.Usagef("-flaky-rate %v: want a share from 0 to 1", s.FlakyRate)
	case cfg.retries < 0:
		return config{}, cli.Usagef("-retries %d: want 0 or more", cfg.retries)
	}
	if cfg.retries > 0 {
		cfg.scheduling = append(cfg.scheduling, delayed.WithRetries(cfg.retries))
	}
	if cfg.keepGoing {
		cfg.scheduling = append(cfg.scheduling, delayed.WithKeepGoing())
	}
	return cfg, nil
}
