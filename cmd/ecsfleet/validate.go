package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ecsfleet/ecsfleet/spec"
)

// stringList is a repeatable string flag (--var a=1 --var b=2).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

const validateHelp = `Usage: ecsfleet validate -f FILE [--var NAME=VALUE ...] [--var-file FILE ...] [--no-color]
       ecsfleet validate --print-schema

Checks a fleet file without calling the cloud: syntax, unknown fields,
references between keypairs, groups, volumes and server sets, and every
value rule of the HCS ECS API (names, counts, tags, metadata, passwords,
NICs, volumes, user data). All problems are reported at once as
file:line:col with the source line.

${var.NAME} takes its value from --var, then --var-file, then the file's
variables; ${env.NAME} from the environment. A secret that is not set
yet (a password from ${env.NAME}) is a warning, not an error: a review
needs no secrets. Output is colored on a terminal unless NO_COLOR is set,
TERM is dumb or --no-color is given.

Flags (written with one dash or two):
`

const validateFooter = `
Exit status:
  0  the fleet file is valid (warnings alone keep 0)
  1  it is not: every problem is listed on stderr

Example:
  ecsfleet validate -f examples/quickstart.yaml
`

// runValidate checks a fleet file without calling the cloud: syntax,
// references, and every value rule the API enforces. Exit 0 when valid,
// 1 when not (warnings alone keep 0).
func runValidate(args []string, io stdio) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var ff fleetFlags
	ff.register(fs)
	printSchema := fs.Bool("print-schema", false, "print the JSON Schema of the YAML form and exit")
	noColor := fs.Bool("no-color", false, "never color the diagnostics")
	if code, ok := parseFlags(fs, args, io, validateHelp, validateFooter); !ok {
		return code
	}
	if *printSchema {
		io.out.Write(spec.Schema())
		return exitOK
	}
	io = io.withoutColor(*noColor)
	file := &ff.file
	if *file == "" && fs.NArg() == 1 {
		*file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		// Not quoted back: after "--var NAME VALUE" (a missing "=") the
		// stray argument is the value, which may be a password.
		fmt.Fprint(io.err, "ecsfleet validate: too many arguments (not shown: one may be a secret); give one fleet file, and --var as NAME=VALUE\n")
		return exitError
	}
	if *file == "" {
		fmt.Fprintln(io.err, "ecsfleet validate: -f FILE is required (run 'ecsfleet validate -h' for the flags)")
		return exitError
	}
	vars, varFiles := ff.vars, ff.varFiles
	varMap, err := spec.ParseVarArgs(vars)
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet validate: %v\n", err)
		return exitError
	}
	fleet, diags := spec.Load(*file, spec.LoadOptions{Vars: varMap, VarFiles: varFiles})
	if reportDiags(io.err, *file, diags) {
		return exitError
	}
	fmt.Fprintf(io.out, "%s is valid: fleet %q, %d server %s, %d %s in total, %d %s, %d server %s, %d shared %s\n",
		*file, fleet.Name,
		len(fleet.Servers), plural(len(fleet.Servers), "set", "sets"),
		fleet.TotalServers(), plural(fleet.TotalServers(), "server", "servers"),
		len(fleet.Keypairs), plural(len(fleet.Keypairs), "keypair", "keypairs"),
		len(fleet.ServerGroups), plural(len(fleet.ServerGroups), "group", "groups"),
		len(fleet.Volumes), plural(len(fleet.Volumes), "volume", "volumes"))
	return exitOK
}

// reportDiags prints a load's diagnostics on w with their source lines
// (secrets masked), colored when w is a terminal, then a count line when
// any is an error; it reports whether one was.
func reportDiags(w io.Writer, file string, diags spec.Diagnostics) bool {
	if len(diags) > 0 {
		src := map[string][]byte{}
		for _, d := range diags {
			if _, ok := src[d.Pos.File]; !ok && d.Pos.File != "" {
				src[d.Pos.File], _ = spec.ReadSource(d.Pos.File)
			}
		}
		spec.Render(w, diags, src, useColor(w))
	}
	if !diags.HasErrors() {
		return false
	}
	n := 0
	for _, d := range diags {
		if d.Severity == spec.Error {
			n++
		}
	}
	fmt.Fprintf(w, "\n%s is invalid: %d %s\n", file, n, plural(n, "error", "errors"))
	return true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// useColor reports whether w is a terminal that takes color: NO_COLOR is
// not set to a non-empty value (https://no-color.org: "when present and
// not an empty string") and TERM is not "dumb". --no-color is
// stdio.withoutColor. This is the one place the CLI decides on color.
func useColor(w any) bool {
	return colorAllowed(os.Getenv) && isTerminal(w)
}

// colorAllowed is useColor's reading of the environment.
func colorAllowed(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// plainWriter is a stream that is never taken for a terminal.
type plainWriter struct{ io.Writer }

// withoutColor returns io with its output streams hidden from useColor
// when off (--no-color), so nothing a command prints on them is colored:
// its diagnostics on stderr included. The input stays: whether a question
// can be asked is not a matter of color.
func (s stdio) withoutColor(off bool) stdio {
	if off {
		s.out, s.err = plainWriter{s.out}, plainWriter{s.err}
	}
	return s
}
