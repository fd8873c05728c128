package main

import (
	"flag"
	"io"
	"strings"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// config is what the command line asks for.
type config struct {
	dir        string // directory of CSV files; "" for generated files in a temporary directory
	by         string // column to group by
	delay      string // numeric column to summarise
	months     int    // files to generate
	rows       int    // flights per generated file
	seed       uint64
	scheduling []delayed.Option
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("airline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.dir, "dir", "", "`directory` of CSV files (*.csv, *.csv.gz, *.csv.bz2); generated into it if it has none\n(default: generate into a temporary directory, removed afterwards)")
	fs.StringVar(&cfg.by, "by", "carrier", "`column` to group by")
	fs.StringVar(&cfg.delay, "delay", "arr_delay", "numeric `column` to summarise")
	fs.IntVar(&cfg.months, "months", 12, "files to generate, one per month")
	fs.IntVar(&cfg.rows, "rows", 50000, "flights per generated file")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed of generated files")
	var err error
	if cfg.scheduling, err = cli.ParseScheduled(fs, args); err != nil {
		return config{}, err
	}
	switch {
	case cfg.months < 1:
		return config{}, cli.Usagef("-months %d: want at least 1", cfg.months)
	case cfg.rows < 1:
		return config{}, cli.Usagef("-rows %d: want at least 1", cfg.rows)
	case strings.TrimSpace(cfg.by) == "":
		return config{}, cli.Usagef("-by: empty column name")
	case strings.TrimSpace(cfg.delay) == "":
		return config{}, cli.Usagef("-delay: empty column name")
	case cfg.by == cfg.delay:
		return config{}, cli.Usagef("-by and -delay are both %q", cfg.by)
	}
	return cfg, nil
}
