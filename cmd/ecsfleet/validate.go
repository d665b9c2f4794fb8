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

// runValidate checks a fleet file without calling the cloud: syntax,
// references, and every value rule the API enforces. Exit 0 when valid,
// 1 when not (warnings alone keep 0).
func runValidate(args []string, io stdio) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(io.err)
	file := fs.String("f", "", "fleet file to check (.yaml, .yml or .hcl)")
	var vars, varFiles stringList
	fs.Var(&vars, "var", "set a variable: --var NAME=VALUE (repeatable)")
	fs.Var(&varFiles, "var-file", "read variables from a YAML (NAME: value) or .hcl (NAME = \"value\") file (repeatable)")
	printSchema := fs.Bool("print-schema", false, "print the JSON Schema of the YAML form and exit")
	fs.Usage = func() {
		fmt.Fprint(io.err, `Usage: ecsfleet validate -f FILE [--var NAME=VALUE ...] [--var-file FILE ...]

Checks a fleet file without calling the cloud: syntax, unknown fields,
references between keypairs, groups, volumes and server sets, and every
value rule of the HCS ECS API (names, counts, tags, metadata, passwords,
NICs, volumes, user data). All problems are reported at once as
file:line:col with the source line. Exit status 0 = valid, 1 = invalid.

${var.NAME} takes its value from --var, then --var-file, then the file's
variables; ${env.NAME} from the environment. Output is colored on a
terminal unless NO_COLOR is set.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitError
	}
	if *printSchema {
		io.out.Write(spec.Schema())
		return exitOK
	}
	if *file == "" && fs.NArg() == 1 {
		*file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		// Not quoted back: after "--var NAME VALUE" (a missing "=") the
		// stray argument is the value, which may be a password.
		fmt.Fprint(io.err, "ecsfleet validate: too many arguments (not shown: one may be a secret); give one fleet file, and --var as NAME=VALUE\n")
		return exitError
	}
	if *file == "" {
		fmt.Fprintln(io.err, "ecsfleet validate: -f FILE is required")
		fs.Usage()
		return exitError
	}
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
				src[d.Pos.File], _ = os.ReadFile(d.Pos.File)
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

// useColor reports whether w is a terminal and NO_COLOR is unset
// (https://no-color.org).
func useColor(w any) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	return isTerminal(w)
}
