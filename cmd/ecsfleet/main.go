// Command ecsfleet reconciles fleets of Huawei Cloud Stack ECS servers.
//
// The CLI is deliberately thin: each subcommand parses its flags, wires the
// packages together (spec, plan, engine, ecs, ecs/sim) and renders results.
// Every subcommand lives in its own file as a func(args, stdio) int so it can
// be driven in-process by the testscript CLI tests.
package main

import (
	"fmt"
	"io"
	"os"
)

// stdio bundles the streams a command writes to, so tests can capture them.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one subcommand of the CLI.
type command struct {
	name    string
	summary string
	run     func(args []string, io stdio) int
}

// commands is the table of subcommands; `ecsfleet help` lists it in order.
var commands = []command{
	{"validate", "Check a fleet file without calling the cloud", runValidate},
	{"plan", "Show what would change to make the cloud match a fleet file", runPlan},
	{"apply", "Make the cloud match a fleet file (or apply a saved plan)", runApply},
	{"destroy", "Delete every server and volume the fleet owns", runDestroy},
	{"drift", "Report how the cloud differs from a fleet file (exit 2 on drift)", runDrift},
	{"graph", "Print a plan's API calls as a Graphviz DOT graph", runGraph},
	{"show", "Render a saved plan without calling the cloud", runShow},
	{"sim", "Run the built-in HCS ECS simulator, or change its cloud behind ecsfleet's back", runSim},
	{"version", "Print the ecsfleet version", runVersion},
	{"completion", "Print a shell completion script (bash, zsh, fish)", runCompletion},
	{"import", "Write a fleet file for servers without ecsfleet's mark, to adopt them", runImport},
	{"force-unlock", "Break the lock of a fleet held by a run that died", runForceUnlock},
}

// Exit codes shared by all commands (docs/architecture.md, Conventions).
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2
)

func main() {
	os.Exit(run(os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
}

func run(args []string, io stdio) int {
	if len(args) == 0 {
		// No command is a mistake (a script that lost its arguments): say
		// what exists, on stderr, and fail.
		usage(io.err)
		return exitError
	}
	if args[0] == "--version" || args[0] == "-version" {
		return runVersion(args[1:], io)
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			// help CMD is CMD -h; help sim serve is sim serve -h.
			if args[1] == "sim" && len(args) > 2 {
				return run([]string{"sim", args[2], "-h"}, io)
			}
			return run([]string{args[1], "-h"}, io)
		}
		usage(io.out)
		return exitOK
	}
	return dispatch(commands, "ecsfleet: unknown command", "Run 'ecsfleet help' for the list of commands.", args, io)
}

// dispatch runs the command of table named args[0], or says it is unknown
// (unknown is the message's start), suggests the closest name and points
// to the list (hint).
func dispatch(table []command, unknown, hint string, args []string, io stdio) int {
	for _, c := range table {
		if c.name == args[0] {
			return c.run(args[1:], io)
		}
	}
	fmt.Fprintf(io.err, "%s %q\n", unknown, args[0])
	if s := suggest(table, args[0]); s != "" {
		fmt.Fprintf(io.err, "Did you mean %q?\n", s)
	}
	fmt.Fprintln(io.err, hint)
	return exitError
}

// listCommands prints a table's names and summaries, the names in one
// column as wide as the longest.
func listCommands(w io.Writer, table []command) {
	width := 0
	for _, c := range table {
		width = max(width, len(c.name))
	}
	for _, c := range table {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ecsfleet - declarative fleet reconciler for Huawei Cloud Stack ECS")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: ecsfleet <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	listCommands(w, commands)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'ecsfleet <command> -h' for a command's flags.")
}

// suggest returns the name of table closest to a mistyped one, if any is
// close: a prefix ("vers"), or a typo ("aply", "valdiate", "destory").
func suggest(table []command, name string) string {
	var names []string
	for _, c := range table {
		names = append(names, c.name)
	}
	return closest(name, names)
}
