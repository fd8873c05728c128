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
	}
	return cfg, nil
}
