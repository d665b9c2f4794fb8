package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"

	"github.com/ecsfleet/ecsfleet/plan"
)

const showHelp = `Usage: ecsfleet show [--json | --markdown] [--no-color] PLANFILE

Renders a plan saved with 'ecsfleet plan -out PLANFILE', exactly as it was
made, without calling the cloud: for a review, a pull-request comment
(--markdown) or a machine (--json). A file that is not a saved plan, or
one that was truncated or edited since it was written (its checksum no
longer matches), is refused.

The text is colored on a terminal unless NO_COLOR is set or --no-color is
given.

Flags (written with one dash or two):
`

const showFooter = `
Exit status:
  0  the plan was shown
  1  error: the file is missing, is not a saved plan, or is damaged

Example:
  ecsfleet plan -f fleet.yaml -out fleet.plan
  ecsfleet show --markdown fleet.plan > comment.md
`

// runShow is `ecsfleet show PLANFILE`: a saved plan, rendered.
func runShow(args []string, io stdio) int {
	flags := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := flags.Bool("json", false, "print the plan as JSON (format_version "+plan.FormatVersion+")")
	asMarkdown := flags.Bool("markdown", false, "print the plan as Markdown, for a pull-request comment")
	noColor := flags.Bool("no-color", false, "never color the text output")
	// The plan file may come before or after the flags.
	var files []string
	for {
		if code, ok := parseFlags(flags, args, io, showHelp, showFooter); !ok {
			return code
		}
		if flags.NArg() == 0 {
			break
		}
		files = append(files, flags.Arg(0))
		args = flags.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(io.err, "ecsfleet show: give exactly one PLANFILE (run 'ecsfleet show -h' for the flags)")
		return exitError
	}
	if *asJSON && *asMarkdown {
		fmt.Fprintln(io.err, "ecsfleet show: --json and --markdown cannot be used together")
		return exitError
	}
	io = io.withoutColor(*noColor)
	p, err := plan.ReadSaved(files[0])
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("cannot read %s: %w", files[0], pe.Err)
		}
		fmt.Fprintf(io.err, "ecsfleet show: %v\n", err)
		return exitError
	}
	switch {
	case *asJSON:
		err = plan.RenderJSON(io.out, p)
	case *asMarkdown:
		err = plan.RenderMarkdown(io.out, p)
	default:
		err = plan.RenderText(io.out, p, plan.TextOptions{Color: !*noColor && useColor(io.out)})
	}
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet show: cannot render the plan: %v\n", err)
		return exitError
	}
	return exitOK
}
