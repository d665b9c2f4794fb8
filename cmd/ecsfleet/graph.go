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

const graphHelp = `Usage: ecsfleet graph -f FILE [--var NAME=VALUE ...] [--var-file FILE ...] [--no-color]

Prints the plan's operations as a Graphviz DOT graph on stdout: one node
per API call (its kind, server set, number of servers and rollout wave),
the calls of a server set in one cluster, an arrow from each call to the
calls that wait for it. It reads the cloud like 'ecsfleet plan' and
changes nothing. A plan without changes is a graph without nodes.

Flags (written with one dash or two):
`

const graphFooter = `
Exit status:
  0  the graph was printed
  1  error: an invalid fleet file, a name the cloud lacks, an unreachable cloud

%s
Example:
  ecsfleet graph -f fleet.yaml | dot -Tsvg > plan.svg
`

// runGraph is `ecsfleet graph`: the plan's op DAG in Graphviz DOT.
func runGraph(args []string, io stdio) int {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	var ff fleetFlags
	ff.register(fs)
	ff.cloud.register(fs)
	noColor := fs.Bool("no-color", false, "never color the diagnostics")
	if code, ok := parseFlags(fs, args, io, graphHelp, fmt.Sprintf(graphFooter, cloudEnv)); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return tooManyArgs("graph", io)
	}
	io = io.withoutColor(*noColor)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, ok := makePlan(ctx, "graph", ff, io)
	if !ok {
		return exitError
	}
	if err := plan.RenderDOT(io.out, p); err != nil {
		fmt.Fprintf(io.err, "ecsfleet graph: cannot render the graph: %v\n", err)
		return exitError
	}
	return exitOK
}
