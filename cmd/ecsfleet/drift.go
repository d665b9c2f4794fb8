package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ecsfleet/ecsfleet/plan"
)

const driftHelp = `Usage: ecsfleet drift -f FILE [--var NAME=VALUE ...] [--var-file FILE ...] [--json] [--no-color]
                      [--metrics-file PATH]

Reports how the live cloud differs from the fleet file: objects that are
missing (apply would create them), extra (apply would destroy them) and
changed (apply would update or replace them), attribute by attribute. It
is the plan framed as drift, for a nightly check: it only reads, and its
exit status says whether there is drift.

The text is colored on a terminal unless NO_COLOR is set or --no-color is
given; --json prints the plan as JSON (as 'ecsfleet plan --json' does).

--metrics-file also writes the result for Prometheus (node_exporter's
textfile collector), replacing the file atomically on every run: the
counts of changed, missing and extra objects and servers, whether there is
drift, and when the check ran, how long it took and whether it succeeded.
A failed check writes ecsfleet_drift_last_run_success 0 and no counts
(docs/operations.md).

Flags (written with one dash or two):
`

const driftFooter = `
Exit status:
  0  no drift: the cloud matches the fleet file
  1  error: an invalid fleet file, a name the cloud lacks, an unreachable cloud
  2  drift: the cloud differs from the fleet file

%s
Example (a nightly cron job):
  ecsfleet drift -f fleet.yaml --metrics-file /var/lib/node_exporter/textfile/ecsfleet.prom > drift.txt
  case $? in 2) mail -s "fleet drift" ops < drift.txt ;; 1) echo "drift check failed" >&2 ;; esac
`

// runDrift is `ecsfleet drift`: the plan, framed as drift, with an exit
// status for cron (0 none, 2 drift, 1 error).
func runDrift(args []string, io stdio) int {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	var ff fleetFlags
	ff.register(fs)
	ff.cloud.register(fs)
	asJSON := fs.Bool("json", false, "print the plan as JSON (format_version "+plan.FormatVersion+")")
	noColor := fs.Bool("no-color", false, "never color the text output")
	metricsFile := fs.String("metrics-file", "", "also write the result as Prometheus metrics to `PATH` (node_exporter's textfile collector reads *.prom)")
	if code, ok := parseFlags(fs, args, io, driftHelp, fmt.Sprintf(driftFooter, cloudEnv)); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return tooManyArgs("drift", io)
	}
	io = io.withoutColor(*noColor)
	metrics := newDriftMetrics(*metricsFile)
	if err := metrics.check(); err != nil {
		fmt.Fprintf(io.err, "ecsfleet drift: --metrics-file %s: %v\n", *metricsFile, err)
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, ok := makePlan(ctx, "drift", ff, io)
	if !ok {
		if err := metrics.failed(ff); err != nil {
			fmt.Fprintf(io.err, "ecsfleet drift: --metrics-file %s: %v\n", *metricsFile, err)
		}
		return exitError
	}
	var err error
	if *asJSON {
		err = plan.RenderJSON(io.out, p)
	} else {
		err = plan.RenderText(io.out, p, plan.TextOptions{Color: !*noColor && useColor(io.out), Drift: true})
	}
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet drift: cannot render the drift: %v\n", err)
		return exitError
	}
	if err := metrics.done(p); err != nil {
		fmt.Fprintf(io.err, "ecsfleet drift: --metrics-file %s: %v\n", *metricsFile, err)
		return exitError
	}
	if !p.Empty() {
		return exitChanges
	}
	return exitOK
}
