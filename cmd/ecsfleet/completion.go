package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
)

const completionHelp = `Usage: ecsfleet completion bash|zsh|fish

Prints a completion script for the shell on stdout: the commands, the sim
subcommands, each command's flags, and file names where a command takes a
file (-f, --var-file, --out, a PLANFILE). It is made from the commands'
own flag definitions, so it lists what this ecsfleet takes.

Install:
  bash  echo 'source <(ecsfleet completion bash)' >> ~/.bashrc
  zsh   ecsfleet completion zsh > "${fpath[1]}/_ecsfleet"   (then restart zsh)
  fish  ecsfleet completion fish > ~/.config/fish/completions/ecsfleet.fish
`

// commandList is the command table, reached without an initialization
// cycle (the table holds runCompletion, which reads the table).
var commandList func() []command

func init() { commandList = func() []command { return commands } }

// takesFiles are the commands whose arguments are files: validate's fleet
// file, the PLANFILE of apply and show.
var takesFiles = map[string]bool{"validate": true, "apply": true, "show": true}

var (
	// collectFlags, when set, receives the FlagSet parseFlags is given
	// instead of parsing it: completion learns each command's flags from
	// the code that defines them, by running the command with -h (every
	// command parses its flags before it does anything).
	collectFlags func(*flag.FlagSet)
	collectMu    sync.Mutex
)

// flagsOf is the FlagSet the command run builds for args.
func flagsOf(run func([]string, stdio) int, args ...string) *flag.FlagSet {
	collectMu.Lock()
	defer collectMu.Unlock()
	var got *flag.FlagSet
	collectFlags = func(fs *flag.FlagSet) {
		if got == nil {
			got = fs
		}
	}
	defer func() { collectFlags = nil }()
	run(append(args, "-h"), stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
	if got == nil {
		got = flag.NewFlagSet("", flag.ContinueOnError)
	}
	return got
}

// compCmd is one command (or sim subcommand) as a completion script sees it.
type compCmd struct {
	key     string // "plan", "sim serve"
	name    string // the last word: "plan", "serve"
	summary string
	flags   []compFlag
	files   bool   // its arguments are files
	words   string // or else these words ("bash zsh fish")
}

type compFlag struct {
	name      string // as written: -f, --auto-approve
	value     string // "" for a bool flag, else the value's name: FILE, N
	files     bool   // the value is a file name
	repeat    bool
	shortDesc string
}

func describeFlags(fs *flag.FlagSet) []compFlag {
	var out []compFlag
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		_, repeat := f.Value.(*stringList)
		out = append(out, compFlag{
			name: flagName(f.Name), value: value, repeat: repeat,
			files:     strings.HasSuffix(strings.ToUpper(value), "FILE"),
			shortDesc: shortDesc(usage),
		})
	})
	return out
}

// shortDesc is a usage cut to its first clause, without the characters
// the shells' quoting or zsh's specs would need escaped (but for the
// apostrophe: zshQuote and fishQuote escape it).
func shortDesc(s string) string {
	for _, sep := range []string{"; ", " (", ": "} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case '[', ']', ':', '"', '\\', '`', '$', '\n':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// completionModel is every command and sim subcommand with its flags.
func completionModel() (top, sims []compCmd) {
	for _, c := range commandList() {
		cc := compCmd{key: c.name, name: c.name, summary: shortDesc(c.summary), files: takesFiles[c.name]}
		switch c.name {
		case "completion":
			cc.words = "bash zsh fish"
		case "sim":
		default:
			cc.flags = describeFlags(flagsOf(c.run))
		}
		top = append(top, cc)
	}
	for _, c := range simCommands {
		sims = append(sims, compCmd{key: "sim " + c.name, name: c.name, summary: shortDesc(c.summary),
			flags: describeFlags(flagsOf(runSim, c.name))})
	}
	return top, sims
}

func runCompletion(args []string, io stdio) int {
	fs := flag.NewFlagSet("completion", flag.ContinueOnError)
	if code, ok := parseFlags(fs, args, io, completionHelp, ""); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(io.err, "ecsfleet completion: name the shell: bash, zsh or fish (run 'ecsfleet completion -h' for how to install it)")
		return exitError
	}
	top, sims := completionModel()
	switch fs.Arg(0) {
	case "bash":
		writeBash(io.out, top, sims)
	case "zsh":
		writeZsh(io.out, top, sims)
	case "fish":
		writeFish(io.out, top, sims)
	default:
		fmt.Fprintf(io.err, "ecsfleet completion: no completion for %q; the shells are bash, zsh and fish\n", fs.Arg(0))
		return exitError
	}
	return exitOK
}

func names(cs []compCmd) string {
	var n []string
	for _, c := range cs {
		n = append(n, c.name)
	}
	return strings.Join(n, " ")
}

func writeBash(w io.Writer, top, sims []compCmd) {
	all := append(append([]compCmd(nil), top...), sims...)
	fmt.Fprintf(w, `# bash completion for ecsfleet, made by 'ecsfleet completion bash'.
# Install: echo 'source <(ecsfleet completion bash)' >> ~/.bashrc

_ecsfleet_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$1"))
}

_ecsfleet() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd="" sub="" i w
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        -*) ;;
        *)
            if [[ -z $cmd ]]; then
                cmd=$w
            elif [[ $cmd == sim && -z $sub ]]; then
                sub=$w
            fi
            ;;
        esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "%s help --help --version" -- "$cur"))
        return
    fi
    local key=$cmd
    if [[ $cmd == sim ]]; then
        if [[ -z $sub ]]; then
            COMPREPLY=($(compgen -W "%s --help" -- "$cur"))
            return
        fi
        key="sim $sub"
    fi
    if [[ $key == help ]]; then
        COMPREPLY=($(compgen -W "%s" -- "$cur"))
        return
    fi
`, names(top), names(sims), names(top))

	// The value of a flag: a file, or nothing to offer.
	var fileCases, valueCases []string
	for _, c := range all {
		for _, f := range c.flags {
			if f.value == "" {
				continue
			}
			pat := fmt.Sprintf("%q | %q", c.key+" -"+strings.TrimLeft(f.name, "-"), c.key+" --"+strings.TrimLeft(f.name, "-"))
			if f.files {
				fileCases = append(fileCases, pat)
			} else {
				valueCases = append(valueCases, pat)
			}
		}
	}
	fmt.Fprintln(w, `    case "$key $prev" in`)
	if len(fileCases) > 0 {
		fmt.Fprintf(w, "    %s)\n        _ecsfleet_files \"$cur\"\n        return\n        ;;\n", strings.Join(fileCases, " | \\\n        "))
	}
	if len(valueCases) > 0 {
		fmt.Fprintf(w, "    %s)\n        COMPREPLY=()\n        return\n        ;;\n", strings.Join(valueCases, " | \\\n        "))
	}
	fmt.Fprintln(w, "    esac")

	fmt.Fprintln(w, `    local flags="" words=""`)
	fmt.Fprintln(w, `    case "$key" in`)
	for _, c := range all {
		var fl []string
		for _, f := range c.flags {
			fl = append(fl, f.name)
		}
		fmt.Fprintf(w, "    %q) flags=%q words=%q ;;\n", c.key, strings.Join(fl, " "), c.words)
	}
	fmt.Fprintln(w, `    esac`)
	var fileKeys []string
	for _, c := range all {
		if c.files {
			fileKeys = append(fileKeys, fmt.Sprintf("%q", c.key))
		}
	}
	fmt.Fprintf(w, `    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags --help" -- "$cur"))
        return
    fi
    case "$key" in
    %s)
        _ecsfleet_files "$cur"
        ;;
    *)
        COMPREPLY=($(compgen -W "$words $flags" -- "$cur"))
        ;;
    esac
}

complete -F _ecsfleet ecsfleet
`, strings.Join(fileKeys, " | "))
}

// zshSpec is one _arguments spec for a flag.
func zshSpec(f compFlag) string {
	s := ""
	if f.repeat {
		s = "*"
	}
	s += f.name + "[" + f.shortDesc + "]"
	switch {
	case f.files:
		s += ":" + f.value + ":_files"
	case f.value != "":
		s += ":" + f.value + ": "
	}
	return zshQuote(s)
}

// zshQuote single-quotes s for zsh.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fishQuote single-quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func writeZsh(w io.Writer, top, sims []compCmd) {
	describeList := func(cs []compCmd) string {
		var b strings.Builder
		for _, c := range cs {
			fmt.Fprintf(&b, "    %s\n", zshQuote(c.name+":"+c.summary))
		}
		return b.String()
	}
	fmt.Fprintf(w, `#compdef ecsfleet
# zsh completion for ecsfleet, made by 'ecsfleet completion zsh'.
# Install: ecsfleet completion zsh > "${fpath[1]}/_ecsfleet", then restart zsh.

_ecsfleet() {
  local -a cmds subs
  cmds=(
%s  )
  subs=(
%s  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'ecsfleet command' cmds
    compadd -- --help --version
    return
  fi
  local cmd=$words[2]
  shift words; (( CURRENT-- ))
  if [[ $cmd == sim ]]; then
    if (( CURRENT == 2 )); then
      _describe -t commands 'ecsfleet sim subcommand' subs
      return
    fi
    cmd="sim $words[2]"
    shift words; (( CURRENT-- ))
  fi
  case $cmd in
  help)
    _describe -t commands 'ecsfleet command' cmds
    ;;
`, describeList(top), describeList(sims))
	for _, c := range append(append([]compCmd(nil), top...), sims...) {
		if c.key == "sim" {
			continue
		}
		specs := []string{"'(- *)--help[show the help]'"}
		for _, f := range c.flags {
			specs = append(specs, zshSpec(f))
		}
		switch {
		case c.files:
			specs = append(specs, "'*:file:_files'")
		case c.words != "":
			specs = append(specs, "'1:shell:("+c.words+")'")
		}
		fmt.Fprintf(w, "  %q)\n    _arguments \\\n      %s\n    ;;\n", c.key, strings.Join(specs, " \\\n      "))
	}
	fmt.Fprint(w, `  esac
}

if [[ $funcstack[1] == _ecsfleet ]]; then
  _ecsfleet "$@"
else
  compdef _ecsfleet ecsfleet
fi
`)
}

func writeFish(w io.Writer, top, sims []compCmd) {
	fmt.Fprintln(w, "# fish completion for ecsfleet, made by 'ecsfleet completion fish'.")
	fmt.Fprintln(w, "# Install: ecsfleet completion fish > ~/.config/fish/completions/ecsfleet.fish")
	fmt.Fprintln(w, "complete -c ecsfleet -f")
	for _, c := range top {
		fmt.Fprintf(w, "complete -c ecsfleet -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	fmt.Fprintln(w, "complete -c ecsfleet -n __fish_use_subcommand -l version -d 'Print the version'")
	fmt.Fprintf(w, "complete -c ecsfleet -n '__fish_seen_subcommand_from help' -a '%s'\n", names(top))
	subNames := names(sims)
	for _, c := range sims {
		fmt.Fprintf(w, "complete -c ecsfleet -n '__fish_seen_subcommand_from sim; and not __fish_seen_subcommand_from %s' -a %s -d %s\n", subNames, c.name, fishQuote(c.summary))
	}
	emit := func(cond string, c compCmd) {
		for _, f := range c.flags {
			opt := "-l " + strings.TrimLeft(f.name, "-")
			if len(f.name) == 2 {
				opt = "-s " + f.name[1:]
			}
			switch {
			case f.files:
				opt += " -r -F"
			case f.value != "":
				opt += " -x"
			}
			fmt.Fprintf(w, "complete -c ecsfleet -n '%s' %s -d %s\n", cond, opt, fishQuote(f.shortDesc))
		}
		if c.files {
			fmt.Fprintf(w, "complete -c ecsfleet -n '%s' -F\n", cond)
		}
		if c.words != "" {
			fmt.Fprintf(w, "complete -c ecsfleet -n '%s' -a '%s'\n", cond, c.words)
		}
	}
	for _, c := range top {
		if c.key != "sim" {
			emit("__fish_seen_subcommand_from "+c.name, c)
		}
	}
	for _, c := range sims {
		emit("__fish_seen_subcommand_from sim; and __fish_seen_subcommand_from "+c.name, c)
	}
}
