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
	data       string   // CSV or Parquet file; "" to generate the data
	group      string   // the column defining the strata
	y          string   // response column
	x          []string // predictor columns; empty for every other numeric column
	rows       int      // size of the generated data
	strata     int      // strata of the generated data
	seed       uint64   // seed of the generated data
	taskRows   int      // at least this many rows per task (small strata share a task)
	scheduling []delayed.Option
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var (
		cfg  config
		x    string
		rows float64
	)
	fs := flag.NewFlagSet("stratified", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.data, "data", "", "`file` to read: CSV (.gz, .bz2 too) or Parquet (.parquet); none: generate the data")
	fs.StringVar(&cfg.group, "group", generatedGroup, "`column` whose values define the strata")
	fs.StringVar(&cfg.y, "y", generatedY, "response `column`")
	fs.StringVar(&x, "x", "", "predictor `columns`, comma-separated (default: every numeric column but -group and -y)")
	fs.Float64Var(&rows, "rows", 2e6, "rows of generated data")
	fs.IntVar(&cfg.strata, "strata", 500, "strata of generated data")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed of generated data")
	fs.IntVar(&cfg.taskRows, "task-rows", 20000, "rows per task: small strata are fitted together, a few per task, until they have this many")
	var err error
	if cfg.scheduling, err = cli.ParseScheduled(fs, args); err != nil {
		return config{}, err
	}
	if cfg.x, err = cli.Columns("x", x); err != nil {
		return config{}, err
	}
	cfg.rows = int(rows)
	switch {
	case !(rows >= 1) || rows > 1e10 || float64(cfg.rows) != rows:
		return config{}, cli.Usagef("-rows %v: want a whole number from 1 to 1e10", rows)
	case cfg.strata < 1:
		return config{}, cli.Usagef("-strata %d: want at least 1", cfg.strata)
	case cfg.taskRows < 1:
		return config{}, cli.Usagef("-task-rows %d: want at least 1", cfg.taskRows)
	case strings.TrimSpace(cfg.group) == "":
		return config{}, cli.Usagef("-group: empty column name")
	case strings.TrimSpace(cfg.y) == "":
		return config{}, cli.Usagef("-y: empty column name")
	}
	return cfg, nil
}
