package main

import (
	"flag"
	"io"
	"slices"
	"strings"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// config is what the command line asks for.
type config struct {
	data       string   // CSV file; "" to simulate
	y          string   // response column
	x          []string // predictor columns; empty for every other numeric column
	rows, cols int      // size of the simulated data
	folds      int
	shuffle    bool
	methods    []string
	settings   settings
	scheduling []delayed.Option
}

// knownMethods are the -methods names, in the order of the usage message.
var knownMethods = []string{"ols", "ridge", "knn", "forest"}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var (
		cfg     config
		x       string
		methods string
	)
	fs := flag.NewFlagSet("cv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.data, "data", "", "CSV `file` to read (.gz, .bz2 too); none: simulate the tutorial's data")
	fs.StringVar(&cfg.y, "y", "y", "response `column`")
	fs.StringVar(&x, "x", "", "predictor `columns`, comma-separated (default: every other numeric column)")
	fs.IntVar(&cfg.rows, "n", 1000, "rows of simulated data")
	fs.IntVar(&cfg.cols, "p", 50, "predictors of simulated data (at least 3)")
	fs.IntVar(&cfg.folds, "folds", 10, "number of folds `K`")
	fs.BoolVar(&cfg.shuffle, "shuffle", false, "shuffle the rows before cutting folds")
	fs.StringVar(&methods, "methods", strings.Join(knownMethods, ","), "methods to compare, comma-separated: "+strings.Join(knownMethods, ", "))
	fs.Uint64Var(&cfg.settings.Seed, "seed", 1, "random seed: simulated data, shuffled folds, forests")
	fs.Float64Var(&cfg.settings.Lambda, "lambda", 10, "ridge penalty")
	fs.IntVar(&cfg.settings.K, "k", 10, "neighbours for knn")
	fs.IntVar(&cfg.settings.Trees, "trees", 100, "trees in the forest")
	var err error
	if cfg.scheduling, err = cli.ParseScheduled(fs, args); err != nil {
		return config{}, err
	}
	if cfg.x, err = cli.Columns("x", x); err != nil {
		return config{}, err
	}
	if cfg.methods, err = methodList(methods); err != nil {
		return config{}, err
	}
	return cfg, checkNumbers(cfg)
}

// methodList splits and checks -methods.
func methodList(methods string) ([]string, error) {
	list := strings.Split(methods, ",")
	for i, m := range list {
		list[i] = strings.TrimSpace(m)
		if !slices.Contains(knownMethods, list[i]) {
			return nil, cli.Usagef("-methods: unknown method %q; known methods are %s", list[i], strings.Join(knownMethods, ", "))
		}
		if slices.Contains(list[:i], list[i]) {
			return nil, cli.Usagef("-methods: %q listed twice", list[i])
		}
	}
	return list, nil
}

// checkNumbers checks the numeric flags that KFold and the methods do not check themselves.
func checkNumbers(cfg config) error {
	s := cfg.settings
	switch {
	case cfg.folds < 2:
		return cli.Usagef("-folds %d: want at least 2", cfg.folds)
	case cfg.data == "" && cfg.rows < cfg.folds:
		return cli.Usagef("-n %d: want at least as many rows as folds (%d)", cfg.rows, cfg.folds)
	case cfg.data == "" && cfg.cols < 3:
		return cli.Usagef("-p %d: the simulated response uses x1, x2 and x3, want at least 3", cfg.cols)
	case !(s.Lambda >= 0) || s.Lambda > 1e300:
		return cli.Usagef("-lambda %v: want a finite number of at least 0", s.Lambda)
	case s.K < 1:
		return cli.Usagef("-k %d: want at least 1", s.K)
	case s.Trees < 1:
		return cli.Usagef("-trees %d: want at least 1", s.Trees)
	}
	return nil
}
