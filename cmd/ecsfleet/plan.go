package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

const planHelp = `Usage: ecsfleet plan -f FILE [--var NAME=VALUE ...] [--var-file FILE ...]
                     [-out PLANFILE] [--json | --markdown] [--detailed-exitcode] [--no-color]

Reads the live cloud and shows what would change to make it match the
fleet file: servers, keypairs, server groups and volumes to add, change,
destroy or replace, every destroy and replace by name, the API calls and
an estimate of the time. It only reads: nothing in the cloud changes.

The fleet file is checked as 'ecsfleet validate' checks it, then against
the live catalogue (images, flavors, availability zones, VPCs, security
groups, quotas): a name the cloud lacks is an error at its file:line.

-out saves the plan (mode 0600, checksummed) for review with 'ecsfleet show'
and for 'ecsfleet apply PLANFILE', which applies it exactly as reviewed, or
refuses it if the fleet file or the cloud changed in between.

The text is colored on a terminal unless NO_COLOR is set or --no-color is
given; --json (for machines, with format_version) and --markdown (for a
pull-request comment) are never colored.

Flags (written with one dash or two):
`

const planFooter = `
Exit status:
  0  the plan was made (with --detailed-exitcode: and it changes nothing)
  1  error: an invalid fleet file, a name the cloud lacks, an unreachable cloud
  2  with --detailed-exitcode: the plan has changes

%s
Example:
  ecsfleet plan -f examples/quickstart.yaml -out quickstart.plan
  ecsfleet show quickstart.plan
`

// runPlan is `ecsfleet plan`: read the cloud, compute the plan, render it,
// and save it with -out.
func runPlan(args []string, io stdio) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	var ff fleetFlags
	ff.register(fs)
	ff.cloud.register(fs)
	out := fs.String("out", "", "save the plan to `PLANFILE` (for 'ecsfleet show' and 'ecsfleet apply')")
	asJSON := fs.Bool("json", false, "print the plan as JSON (format_version "+plan.FormatVersion+", docs/plan-format.md)")
	asMarkdown := fs.Bool("markdown", false, "print the plan as Markdown, for a pull-request comment")
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	noColor := fs.Bool("no-color", false, "never color the text output")
	var targets stringList
	fs.Var(&targets, "target", "plan only the changes of server `SET` and what it needs first (repeatable)")
	if code, ok := parseFlags(fs, args, io, planHelp, fmt.Sprintf(planFooter, cloudEnv)); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return tooManyArgs("plan", io)
	}
	io = io.withoutColor(*noColor)
	if *asJSON && *asMarkdown {
		fmt.Fprintln(io.err, "ecsfleet plan: --json and --markdown cannot be used together")
		return exitError
	}
	if *out != "" {
		// Before the cloud is read, which may take a while on a big fleet.
		if err := checkOut(*out); err != nil {
			fmt.Fprintf(io.err, "ecsfleet plan: -out %s: %v\n", *out, err)
			return exitError
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, ok := makePlan(ctx, "plan", ff, io)
	if !ok {
		return exitError
	}
	if len(targets) > 0 {
		var err error
		if p, err = p.Target(targets); err != nil {
			fmt.Fprintf(io.err, "ecsfleet plan: %v\n", err)
			return exitError
		}
	}

	// Render before saving, save before printing: an error at either step
	// leaves neither a plan file nor half an output behind.
	var buf bytes.Buffer
	var err error
	switch {
	case *asJSON:
		err = plan.RenderJSON(&buf, p)
	case *asMarkdown:
		err = plan.RenderMarkdown(&buf, p)
	default:
		err = plan.RenderText(&buf, p, plan.TextOptions{Color: !*noColor && useColor(io.out)})
	}
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet plan: cannot render the plan: %v\n", err)
		return exitError
	}
	if *out != "" {
		if err := plan.WriteSaved(*out, p); err != nil {
			fmt.Fprintf(io.err, "ecsfleet plan: -out %s: %v\n", *out, err)
			return exitError
		}
	}
	io.out.Write(buf.Bytes())
	if *out != "" {
		// The note is part of the text for a person; it goes to stderr when
		// stdout is JSON or Markdown, which must stay only that.
		w := io.out
		if *asJSON || *asMarkdown {
			w = io.err
		} else {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Saved the plan to %s. Apply it with: ecsfleet apply %s\n", *out, *out)
	}
	if *detailed && !p.Empty() {
		return exitChanges
	}
	return exitOK
}

// checkOut says why a plan could not be saved at path, if it can tell
// beforehand: its directory is missing, or path is a directory.
func checkOut(path string) error {
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return errors.New("is a directory; give a file name")
		}
		// Only a saved plan is ever overwritten: not a fleet file given
		// by mistake, nor anything else.
		if _, err := plan.ReadSaved(path); err != nil {
			return errors.New("exists and is not a saved plan; ecsfleet does not overwrite it: give another file name")
		}
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot save the plan in %s: %w", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("cannot save the plan in %s: it is not a directory", dir)
	}
	return nil
}

// fleetFlags are the flags of every command that reads a fleet file.
type fleetFlags struct {
	file           string
	vars, varFiles stringList
	// cloud are the cloud's flags, registered by the commands that read
	// the cloud (not by validate).
	cloud cloudFlags
}

func (ff *fleetFlags) register(fs *flag.FlagSet) {
	fs.Var(&oneFile{file: &ff.file}, "f", "the fleet `FILE` (.yaml, .yml or .hcl); required, one per run")
	fs.Var(&ff.vars, "var", "set a variable: --var `NAME=VALUE` (repeatable); it overrides --var-file and the file's variables")
	fs.Var(&ff.varFiles, "var-file", "read variables from a YAML (NAME: value) or .hcl (NAME = \"value\") `FILE` (repeatable)")
}

// parseFlags parses a command's flags. -h prints the help (header, the
// flags, footer) on stdout; a mistake is reported on stderr. When ok is
// false the command is over and code is its exit status.
func parseFlags(fs *flag.FlagSet, args []string, io stdio, header, footer string) (code int, ok bool) {
	if collectFlags != nil { // ecsfleet completion is reading the flags
		collectFlags(fs)
		return exitOK, false
	}
	fs.SetOutput(quiet) // flagError says what is wrong, in one line
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(io.out, header)
		printFlags(io.out, fs)
		fmt.Fprint(io.out, footer)
		return exitOK, false
	case err != nil:
		// One line for what is wrong, one for where the flags are; not
		// the whole usage, which would bury the mistake.
		fmt.Fprintf(io.err, "ecsfleet %s: %s\n", fs.Name(), flagError(fs, err))
		fmt.Fprintf(io.err, "Run 'ecsfleet %s -h' for the flags.\n", fs.Name())
		return exitError, false
	}
	return exitOK, true
}

// tooManyArgs refuses arguments after the flags. They are not quoted back:
// after "--var NAME VALUE" (a missing "=") the stray argument is the value,
// which may be a password; and the fleet file is given with -f, so a stray
// word is never taken for it.
func tooManyArgs(cmd string, io stdio) int {
	fmt.Fprintf(io.err, "ecsfleet %s: unexpected arguments (not shown: one may be a secret); give the fleet file with -f FILE, and --var as NAME=VALUE\n", cmd)
	return exitError
}

// errInterrupted is what a command says after Ctrl-C (or SIGTERM) while
// it was reading the cloud; reading changes nothing.
var errInterrupted = errors.New("interrupted; nothing was changed")

// makePlan loads the fleet file named by ff, reads the cloud and computes
// the plan. On failure it has said why on stderr and ok is false.
func makePlan(ctx context.Context, cmd string, ff fleetFlags, io stdio) (p *plan.Plan, ok bool) {
	fleet, src, ok := loadFleet(cmd, ff, io)
	if !ok {
		return nil, false
	}
	c, err := connect(ctx, ff.cloud, os.Getenv, fleet.Project, io.err)
	if err != nil {
		if ctx.Err() != nil {
			err = errInterrupted
		}
		fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, err)
		return nil, false
	}
	defer c.Close()
	project := fleet.Project
	if project == "" {
		project = c.client.ProjectID()
	}
	imported, ok := importedServers(cmd, fleet.Name, io)
	if !ok {
		return nil, false
	}
	sum := sha256.Sum256(src)
	p, err = plan.Make(ctx, c.client, fleet, plan.Options{FleetHash: hex.EncodeToString(sum[:]), Project: project, Imported: imported})
	if err != nil {
		var probs plan.Problems
		switch {
		case errors.As(err, &probs):
			reportProblems(io.err, ff.file, probs)
		case ctx.Err() != nil:
			fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, errInterrupted)
		default:
			fmt.Fprintf(io.err, "ecsfleet %s: %s\n", cmd, c.explain(err))
		}
		return nil, false
	}
	return p, true
}

// loadFleet reads and checks the fleet file as validate does, printing its
// diagnostics on stderr (warnings too). src is the file's bytes, exactly
// those parsed: the plan records their hash, so a saved plan applies only
// with the file it was made from.
func loadFleet(cmd string, ff fleetFlags, io stdio) (fleet *spec.Fleet, src []byte, ok bool) {
	if ff.file == "" {
		fmt.Fprintf(io.err, "ecsfleet %s: -f FILE is required (run 'ecsfleet %s -h' for the flags)\n", cmd, cmd)
		return nil, nil, false
	}
	varMap, err := spec.ParseVarArgs(ff.vars)
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, err)
		return nil, nil, false
	}
	fleet, src, diags := spec.LoadSource(ff.file, spec.LoadOptions{Vars: varMap, VarFiles: ff.varFiles})
	if reportDiags(io.err, ff.file, diags) {
		return nil, nil, false
	}
	if len(diags) > 0 {
		fmt.Fprintln(io.err) // the warnings stand apart from what follows
	}
	return fleet, src, true
}

// reportProblems prints the problems the live cloud found in the fleet
// file, each at its file:line:col with its hint, like validate's
// diagnostics. The source line is not shown: a problem carries no record
// of which columns of its line hold a secret, so the line cannot be masked.
func reportProblems(w io.Writer, file string, probs plan.Problems) {
	diags := make(spec.Diagnostics, len(probs))
	for i, pr := range probs {
		diags[i] = spec.Diagnostic{Severity: spec.Error, Pos: pr.Pos, Message: pr.Msg, Hint: pr.Hint}
	}
	spec.Render(w, diags, nil, useColor(w))
	fmt.Fprintf(w, "\n%s does not match the cloud: %d %s\n", file, len(probs), plural(len(probs), "error", "errors"))
}
