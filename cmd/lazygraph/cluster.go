package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// runScheduler starts a distributed scheduler and serves until interrupted.
func runScheduler(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scheduler", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", distributed.DefaultListen, "address to accept workers and clients on (loopback by default)")
	file := fs.String("scheduler-file", "", "write the address, token and protocol to this `file` (atomically)")
	status := fs.String("status", "", "serve the JSON status endpoint (/status), the live dashboard (/) and Prometheus metrics (/metrics) on this `address` (e.g. 127.0.0.1:8787); beyond loopback they need the token")
	tokenFile := fs.String("token-file", "", "read the shared token from this `file` (default: $LAZYGRAPH_TOKEN, or a new one)")
	cert := fs.String("tls-cert", "", "serve TLS with this certificate `file`")
	key := fs.String("tls-key", "", "the certificate's key `file`")
	contact := fs.String("contact-address", "", "the `address` (host or host:port) written into the scheduler file for workers and clients (default: the listening address; for 0.0.0.0 or [::], this machine's name or address)")
	verbose := fs.Bool("v", false, "log workers and clients coming and going")
	var adapt adaptFlags
	adapt.register(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	adaptive, stopWorkers, err := adapt.adaptive(fs.Args(), *file, stderr)
	if err != nil {
		return err
	}
	defer stopWorkers()
	token := os.Getenv(distributed.EnvToken)
	if *tokenFile != "" {
		data, err := os.ReadFile(*tokenFile)
		if err != nil {
			return err
		}
		token = string(trimNewline(data))
	}
	opts := distributed.ServerOptions{Listen: *listen, Token: token, Status: *status, SchedulerFile: *file, ContactAddress: *contact, Adaptive: adaptive}
	if *cert != "" || *key != "" {
		cfg, err := distributed.TLSConfigFromFiles(*cert, *key, "", "")
		if err != nil {
			return err
		}
		opts.TLS = cfg
	}
	if *verbose {
		opts.Log = distributed.NewConsoleLogger()
	}
	s, err := distributed.NewServer(opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "scheduler listening on %s", s.Address())
	if c := s.ContactAddress(); c != s.Address() {
		fmt.Fprintf(stdout, " (reached at %s)", c)
	}
	if *file != "" {
		fmt.Fprintf(stdout, ", scheduler file %s", *file)
	}
	if url := s.StatusURL(); url != "" {
		fmt.Fprintf(stdout, ", status %s", url)
	}
	fmt.Fprintln(stdout)
	if url := s.DashboardURL(); url != "" {
		fmt.Fprintf(stderr, "lazygraph: dashboard at %s (beyond loopback, add ?token=<token> once)\n", url)
	}
	<-ctx.Done()
	reason := "interrupted"
	if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
		reason = cause.Error()
	}
	if st := s.RetireStats(); st.Workers > 0 {
		fmt.Fprintf(stdout, "scheduler: retirements: workers=%d values_moved=%d bytes_moved=%d values_to_workers=%d values_lost=%d\n",
			st.Workers, st.ValuesMoved, st.BytesMoved, st.ToWorkers, st.Lost)
	}
	return s.Shutdown(reason)
}

// runWorker serves as a worker with the functions built into this command (the benchmark
// shapes), until the scheduler goes away or the command is interrupted.
func runWorker(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("scheduler-file", os.Getenv(distributed.EnvSchedulerFile), "the scheduler's `file`")
	address := fs.String("scheduler", os.Getenv(distributed.EnvAddress), "the scheduler's `address` (with $LAZYGRAPH_TOKEN)")
	listen := fs.String("listen", os.Getenv(distributed.EnvWorkerListen), "`address` to serve other workers on (default: the interface facing the scheduler, any port)")
	name := fs.String("name", "", "this worker's `name` in the scheduler's status")
	ca := fs.String("tls-ca", os.Getenv(distributed.EnvTLSCA), "CA certificate `file` to verify a TLS scheduler")
	connectTimeout := fs.String("connect-timeout", os.Getenv(distributed.EnvConnectTimeout),
		"how long to keep trying to reach the scheduler, and to rejoin one restarted at its address or on the scheduler file (a duration; default 60s, or $"+distributed.EnvConnectTimeout+")")
	verbose := fs.Bool("v", false, "log what the worker does")
	resources := fs.String("resources", os.Getenv(distributed.EnvWorkerResources),
		"what this worker has for tasks needing resources, as `name=amount,...` (gpu=1,mem=64e9; default $"+distributed.EnvWorkerResources+")")
	lifetime := fs.Duration("lifetime", 0, "retire gracefully after serving this long: stop taking tasks, finish those sent, hand the values only this worker holds over, exit (default: $"+distributed.EnvWorkerLifetime+"; in a Slurm job also the job's end time less -lifetime-margin; SIGTERM retires too, a second SIGTERM stops at once)")
	margin := fs.Duration("lifetime-margin", distributed.DefaultLifetimeMargin, "in a Slurm job, retire this long before the job's end time ($SLURM_JOB_END_TIME or scontrol)")
	memoryLimit := fs.String("memory-limit", os.Getenv(worker.EnvMemory), "this worker's memory `budget`, such as 256MB or 2GiB: GOMEMLIMIT, spilling and pausing follow it (default: $"+worker.EnvMemory+", else the machine's memory)")
	noSpill := fs.Bool("no-spill", false, "never spill values to disk, whatever the budget (as $"+worker.EnvSpill+"=off)")
	noNanny := fs.Bool("no-nanny", false, "run the worker in this process, without a nanny process that starts it again when it is killed")
	maxRestarts := fs.Int("max-restarts", defaultMaxRestarts, "how many times in a row the nanny starts again a worker killed within a minute of its start before it gives up")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	declared, err := graph.ParseResources(*resources)
	if err != nil {
		return fmt.Errorf("-resources: %w", err)
	}
	timeout, err := distributed.ParseConnectTimeout(*connectTimeout)
	if err != nil {
		return err
	}
	relay, err := worker.RelayOutputFromEnvironment()
	if err != nil {
		return err
	}
	opts := distributed.WorkerOptions{Listen: *listen, Name: *name, ConnectTimeout: timeout, Resources: declared, NoSpill: *noSpill, RelayOutput: relay}
	if *memoryLimit != "" {
		if opts.MemoryLimit, err = worker.ParseSize(*memoryLimit); err != nil {
			return fmt.Errorf("-memory-limit: %w", err)
		}
	}
	switch {
	case *file != "":
		opts.SchedulerFile = *file // read (and waited for) when connecting
	case *address == "":
		return fmt.Errorf("give -scheduler-file or -scheduler")
	case strings.HasSuffix(*address, ".json") || strings.ContainsRune(*address, os.PathSeparator):
		opts.SchedulerFile = *address
	default:
		opts.Address, opts.Token = *address, os.Getenv(distributed.EnvToken)
		if opts.Token == "" {
			return fmt.Errorf("connecting by address needs the token in $%s", distributed.EnvToken)
		}
	}
	if *ca != "" {
		cfg, err := distributed.TLSConfigFromFiles("", "", *ca, "")
		if err != nil {
			return err
		}
		opts.TLS = cfg
	}
	if *verbose {
		opts.Log = distributed.NewConsoleLogger()
	}
	if err := distributed.LifetimeFromEnvironment(ctx, &opts); err != nil {
		return err
	}
	if end, ok := distributed.SlurmEndTime(ctx); ok && *margin != distributed.DefaultLifetimeMargin {
		opts.RetireAt = end.Add(-*margin)
	}
	if *lifetime > 0 {
		opts.Lifetime = *lifetime
	}
	if *maxRestarts < 0 {
		return fmt.Errorf("-max-restarts %d: want 0 or more", *maxRestarts)
	}
	if !*noNanny && os.Getenv(envNannyChild) == "" {
		return runNanny(ctx, args, stderr, nannyOptions{maxRestarts: *maxRestarts, stable: nannyStable,
			backoff: nannyBackoff, maxBackoff: nannyMaxBackoff, report: deathReporter(opts)})
	}
	if start, ok := nannyStartTime(); ok && opts.Lifetime > 0 {
		// A restarted child retires when the first would have: the lifetime is the nanny's.
		if at := start.Add(opts.Lifetime); opts.RetireAt.IsZero() || at.Before(opts.RetireAt) {
			opts.RetireAt = at
		}
		opts.Lifetime = 0
	}
	ctx, unwatch, nannied := watchNanny(ctx)
	defer unwatch()
	opts.Nanny = nannied
	retire, ctx, stop := distributed.RetireOnSIGTERM(ctx)
	defer stop()
	opts.Retire = retire
	err = distributed.RunWorker(ctx, opts)
	switch {
	case errors.Is(context.Cause(ctx), errNannyGone):
		return errNannyGone
	case errors.Is(err, context.Canceled):
		return nil
	case errors.Is(err, worker.ErrStuckTask):
		return &exitCodeError{code: exitStuck, err: err}
	}
	return err
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments %v\n", fs.Name(), fs.Args())
		return errUsage
	}
	return nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
