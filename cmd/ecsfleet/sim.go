package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// simCommands are the subcommands of `ecsfleet sim`: serve runs the
// simulator standalone so curl, an SDK or another ecsfleet can use it; the
// others change the cloud ecsfleet uses behind its back (simctl.go).
var simCommands = []command{
	{"serve", "Run the simulator standalone on a local address", runSimServe},
	{"ls", "List the servers: name, id, status, flavor, tags", runSimLs},
	{"rename", "Rename a server: sim rename SERVER NEWNAME", runSimRename},
	{"resize", "Change a server's flavor: sim resize SERVER FLAVOR", runSimResize},
	{"delete", "Delete a server: sim delete SERVER", runSimDelete},
	{"tag", "Add or change a tag: sim tag SERVER KEY=VALUE", runSimTag},
	{"untag", "Remove a tag: sim untag SERVER KEY", runSimUntag},
}

// runSim is `ecsfleet sim <subcommand>`.
func runSim(args []string, io stdio) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			simUsage(io.err)
			return exitError
		}
		simUsage(io.out)
		return exitOK
	}
	return dispatch(simCommands, "ecsfleet sim: unknown subcommand", "Run 'ecsfleet sim -h' for the list of subcommands.", args, io)
}

func simUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ecsfleet sim <subcommand> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The built-in HCS 8.3.0 ECS simulator. 'sim serve' runs it on a local")
	fmt.Fprintln(w, "address until interrupted, and prints its endpoint, project and test")
	fmt.Fprintln(w, "credentials. The others change the cloud 'ecsfleet apply' uses (the")
	fmt.Fprintln(w, "embedded simulator in .ecsfleet/, or HCS_ECS_ENDPOINT) behind its back,")
	fmt.Fprintln(w, "as someone at the console would: for demos and drift tests.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Subcommands:")
	listCommands(w, simCommands)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'ecsfleet sim <subcommand> -h' for its flags.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Example (drift, shown and repaired):")
	fmt.Fprintln(w, "  ecsfleet apply -f examples/quickstart.yaml --auto-approve")
	fmt.Fprintln(w, "  ecsfleet sim rename web-0002 intruder")
	fmt.Fprintln(w, "  ecsfleet drift -f examples/quickstart.yaml     # exit 2: the rename")
	fmt.Fprintln(w, "  ecsfleet apply -f examples/quickstart.yaml --auto-approve")
}

// runSimServe parses the serve flags, starts the simulator and blocks until
// SIGINT or SIGTERM.
func runSimServe(args []string, io stdio) int {
	addr, cfg, code, ok := parseSimServe(args, io)
	if !ok {
		return code
	}
	srv, err := sim.StartAddr(addr, cfg)
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

const simServeHelp = `Usage: ecsfleet sim serve [--addr HOST:PORT] [--config FILE] [--state FILE] [--seed N] [--time-scale X] [model flags]

Serves the HCS ECS API (native /v1, /v1.1 and community /v2, /v2.1 paths),
IAM tokens at /v3/auth/tokens, and call statistics at /_sim/stats.
The whole cloud model (durations, quotas, catalogue, faults) is a YAML file
(--config, see docs/simulator.md); the flags below override parts of it.

Flags (written with one dash or two):
`

// parseSimServe turns serve's flags (and its --config file) into the listen
// address and the cloud model. When ok is false the command is over and
// code is its exit status (0 after --help).
func parseSimServe(args []string, io stdio) (addr string, cfg sim.Config, code int, ok bool) {
	fs := flag.NewFlagSet("sim serve", flag.ContinueOnError)
	addrFlag := fs.String("addr", "127.0.0.1:8774", "listen `address` (host:port; port 0 picks a free one)")
	cfgFile := fs.String("config", "", "YAML `file` with the cloud model (see docs/simulator.md); defaults otherwise")
	stateFile := fs.String("state", "", "persist the cloud in this JSON `file` (shared safely by several processes); in memory when empty")
	seed := fs.Int64("seed", 0, "seed for ids, jitter and faults (0 keeps the config's seed)")
	scale := fs.Float64("time-scale", 0, "simulated seconds per wall second, e.g. 1000 makes a 60 s job take 60 ms (0 keeps the config's)")
	// The cloud-model knobs most often turned for a demo or a benchmark;
	// each overrides the config file only when given.
	latency := fs.Duration("latency", 0, "added to every API call (wall time), e.g. 20ms")
	capacity := fs.Int("capacity", 0, "sub-jobs running at once per project; the rest wait in INIT")
	throttle := fs.Float64("throttle-rate", 0, "API calls per second per project before 429 APIGW.0308 (0 = off)")
	f5xx := fs.Float64("fault-5xx", 0, "fraction (0..1) of API calls answered 500/503")
	f429 := fs.Float64("fault-429", 0, "fraction (0..1) of API calls answered 429")
	fDrop := fs.Float64("fault-drop", 0, "fraction (0..1) of API calls whose connection is dropped")
	fSub := fs.Float64("fault-subjob", 0, "fraction (0..1) of sub-jobs that end FAIL")
	if code, ok := parseFlags(fs, args, io, simServeHelp, ""); !ok {
		return "", cfg, code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(io.err, "ecsfleet sim serve: unexpected argument %q\n", fs.Arg(0))
		return "", cfg, exitError, false
	}
	cfg = sim.DefaultConfig()
	if *cfgFile != "" {
		var err error
		if cfg, err = sim.LoadConfig(*cfgFile); err != nil {
			fmt.Fprintf(io.err, "ecsfleet sim serve: %v\n", err)
			return "", cfg, exitError, false
		}
	}
	if *stateFile != "" {
		cfg.StateFile = *stateFile
	}
	if *seed != 0 {
		cfg.Seed = *seed
	}
	if !(*scale >= 0) || math.IsInf(*scale, 0) { // NaN fails too
		fmt.Fprintln(io.err, "ecsfleet sim serve: --time-scale must be a finite number > 0")
		return "", cfg, exitError, false
	}
	if *scale > 0 {
		cfg.TimeScale = *scale
	}
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "latency":
			cfg.Latency = *latency
		case "capacity":
			cfg.Capacity = *capacity
		case "throttle-rate":
			cfg.Throttle.Rate = *throttle
		case "fault-5xx":
			cfg.Faults.Error5xx = *f5xx
		case "fault-429":
			cfg.Faults.Throttle429 = *f429
		case "fault-drop":
			cfg.Faults.Drop = *fDrop
		case "fault-subjob":
			cfg.Faults.SubJobFail = *fSub
		}
		if strings.HasPrefix(f.Name, "fault-") {
			if v, _ := strconv.ParseFloat(f.Value.String(), 64); v < 0 || v > 1 {
				bad = append(bad, fmt.Sprintf("--%s must be a fraction between 0 and 1, got %s", f.Name, f.Value))
			}
		}
	})
	if *latency < 0 || *capacity < 0 || *throttle < 0 {
		bad = append(bad, "--latency, --capacity and --throttle-rate cannot be negative")
	}
	if len(bad) > 0 {
		for _, b := range bad {
			fmt.Fprintf(io.err, "ecsfleet sim serve: %s\n", b)
		}
		return "", cfg, exitError, false
	}
	return *addrFlag, cfg, exitOK, true
}

// printSimInfo tells the user how to reach the simulator. The credentials
// are the simulator's own test credentials: printing them is the point.
func printSimInfo(w io.Writer, srv *sim.HTTPServer, cfg sim.Config) {
	fmt.Fprintf(w, "HCS ECS simulator listening on %s\n", srv.URL)
	// 5.2.5 answers only {"count"} without offset: the example lists.
	fmt.Fprintf(w, "  ECS endpoint:   %s   (e.g. GET %s/v1/%s/cloudservers/detail?offset=1&limit=10)\n", srv.URL, srv.URL, srv.ProjectID)
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
	fmt.Fprintln(w, "Point ecsfleet at it (in another shell):")
	fmt.Fprintf(w, "  export HCS_ECS_ENDPOINT=%s HCS_PROJECT_ID=%s HCS_ACCESS_KEY=%s HCS_SECRET_KEY=%s ECSFLEET_CLOUD_TIME_SCALE=%g\n",
		srv.URL, srv.ProjectID, srv.AK, srv.SK, cfg.TimeScale)
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
