package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// runSim is `ecsfleet sim <subcommand>`; today only `serve`, which runs
// the simulator standalone so curl, an SDK or another ecsfleet can use it.
func runSim(args []string, io stdio) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		simUsage(io.out)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	switch args[0] {
	case "serve":
		return runSimServe(args[1:], io)
	}
	fmt.Fprintf(io.err, "ecsfleet sim: unknown subcommand %q\n", args[0])
	simUsage(io.err)
	return exitError
}

func simUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ecsfleet sim serve [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Runs the built-in HCS 8.3.0 ECS simulator on a local address until")
	fmt.Fprintln(w, "interrupted, and prints its endpoint, project and test credentials.")
	fmt.Fprintln(w, "Run 'ecsfleet sim serve -h' for the flags.")
}

// runSimServe parses the serve flags, starts the simulator and blocks until
// SIGINT or SIGTERM.
func runSimServe(args []string, io stdio) int {
	fs := flag.NewFlagSet("ecsfleet sim serve", flag.ContinueOnError)
	fs.SetOutput(io.err)
	addr := fs.String("addr", "127.0.0.1:8774", "listen `address` (host:port; port 0 picks a free one)")
	cfgFile := fs.String("config", "", "YAML `file` with the cloud model (see docs/simulator.md); defaults otherwise")
	stateFile := fs.String("state", "", "persist the cloud in this JSON `file` (shared safely by several processes); in memory when empty")
	seed := fs.Int64("seed", 0, "seed for ids, jitter and faults (0 keeps the config's seed)")
	scale := fs.Float64("time-scale", 0, "simulated seconds per wall second, e.g. 1000 makes a 60 s job take 60 ms (0 keeps the config's)")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: ecsfleet sim serve [--addr HOST:PORT] [--config FILE] [--state FILE] [--seed N] [--time-scale X]")
		fmt.Fprintln(io.err)
		fmt.Fprintln(io.err, "Serves the HCS ECS API (native /v1, /v1.1 and community /v2, /v2.1 paths),")
		fmt.Fprintln(io.err, "IAM tokens at /v3/auth/tokens, and call statistics at /_sim/stats.")
		fmt.Fprintln(io.err)
		fmt.Fprintln(io.err, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(io.err, "ecsfleet sim serve: unexpected argument %q\n", fs.Arg(0))
		return exitError
	}
	cfg := sim.DefaultConfig()
	if *cfgFile != "" {
		var err error
		if cfg, err = sim.LoadConfig(*cfgFile); err != nil {
			fmt.Fprintf(io.err, "ecsfleet sim serve: %v\n", err)
			return exitError
		}
	}
	if *stateFile != "" {
		cfg.StateFile = *stateFile
	}
	if *seed != 0 {
		cfg.Seed = *seed
	}
	if *scale < 0 {
		fmt.Fprintln(io.err, "ecsfleet sim serve: --time-scale must be > 0")
		return exitError
	}
	if *scale > 0 {
		cfg.TimeScale = *scale
	}
	srv, err := sim.StartAddr(*addr, cfg)
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet sim serve: %v\n", err)
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	printSimInfo(io.out, srv, cfg)
	<-ctx.Done()
	fmt.Fprintln(io.out, "ecsfleet sim: stopping")
	if err := srv.Close(); err != nil {
		fmt.Fprintf(io.err, "ecsfleet sim serve: %v\n", err)
		return exitError
	}
	return exitOK
}

// printSimInfo tells the user how to reach the simulator. The credentials
// are the simulator's own test credentials: printing them is the point.
func printSimInfo(w io.Writer, srv *sim.HTTPServer, cfg sim.Config) {
	fmt.Fprintf(w, "HCS ECS simulator listening on %s\n", srv.URL)
	fmt.Fprintf(w, "  ECS endpoint:   %s   (e.g. GET %s/v1/%s/cloudservers/detail)\n", srv.URL, srv.URL, srv.ProjectID)
	fmt.Fprintf(w, "  IAM endpoint:   %s/v3/auth/tokens\n", srv.URL)
	fmt.Fprintf(w, "  stats:          %s/_sim/stats\n", srv.URL)
	fmt.Fprintf(w, "  region:         %s\n", srv.Region)
	fmt.Fprintf(w, "  project id:     %s (name %s)\n", srv.ProjectID, srv.ProjectName)
	fmt.Fprintf(w, "  domain:         %s (id %s)\n", srv.DomainName, srv.DomainID)
	fmt.Fprintf(w, "  user/password:  %s / %s\n", srv.User, srv.Password)
	fmt.Fprintf(w, "  AK/SK:          %s / %s\n", srv.AK, srv.SK)
	state := "in memory"
	if cfg.StateFile != "" {
		state = cfg.StateFile
	}
	fmt.Fprintf(w, "  state:          %s; seed %d; time scale %g\n", state, cfg.Seed, cfg.TimeScale)
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
