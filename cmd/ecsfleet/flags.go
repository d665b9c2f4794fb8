package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// quiet is where a FlagSet's own messages go: parseFlags prints its own.
var quiet io.Writer = io.Discard

// flagName is a flag as the docs write it: --auto-approve, -f. Go's flag
// package takes one dash or two alike.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// printFlags is flag.PrintDefaults with the docs' spelling of the names:
// each flag, its value's name and its usage, then the default when it is
// not the zero value.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if isCloudFlag(f) {
			return // the help's cloud section (cloudEnv) lists them
		}
		var b strings.Builder
		b.WriteString("  " + flagName(f.Name))
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			b.WriteString(" " + name)
		}
		// As flag.PrintDefaults: a short flag's usage on its line, a
		// longer one's on the next, indented.
		if b.Len() <= 4 {
			b.WriteString("\t")
		} else {
			b.WriteString("\n    \t")
		}
		b.WriteString(strings.ReplaceAll(usage, "\n", "\n    \t"))
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			if g, ok := f.Value.(flag.Getter); ok {
				if _, isString := g.Get().(string); isString {
					fmt.Fprintf(&b, " (default %q)", f.DefValue)
					break
				}
			}
			fmt.Fprintf(&b, " (default %v)", f.DefValue)
		}
		fmt.Fprintln(w, b.String())
	})
}

// flagError says in one line what is wrong with a command's flags, in the
// docs' spelling. A value is never quoted back: it may be a secret.
func flagError(fs *flag.FlagSet, err error) string {
	var dup string
	fs.VisitAll(func(f *flag.Flag) {
		if o, ok := f.Value.(*oneFile); ok && o.dup != "" {
			dup = fmt.Sprintf("only one fleet file is taken per run, but %s is given twice (%s, then %s); run ecsfleet once per file", flagName(f.Name), *o.file, o.dup)
		}
	})
	if dup != "" {
		return dup
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		out := "unknown flag " + flagName(name)
		if s := closest(strings.TrimLeft(name, "-"), names); s != "" {
			out += fmt.Sprintf(" (did you mean %s?)", flagName(s))
		}
		return out
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return flagName(name) + " needs a value"
	}
	if strings.HasPrefix(msg, "invalid value ") || strings.HasPrefix(msg, "invalid boolean value ") {
		// "invalid value %q for flag -%s: %v": the value is left out, the
		// reason is what follows the flag's name.
		var out string
		fs.VisitAll(func(f *flag.Flag) {
			for _, mark := range []string{" for flag -" + f.Name + ": ", " for -" + f.Name + ": "} {
				if i := strings.LastIndex(msg, mark); i >= 0 && out == "" {
					reason := msg[i+len(mark):]
					if reason == "parse error" {
						reason = "want " + valueKind(f)
					}
					out = fmt.Sprintf("invalid value for %s: %s", flagName(f.Name), reason)
				}
			}
		})
		if out != "" {
			return out
		}
		return "invalid flag value"
	}
	return msg
}

// valueKind says what a flag of Go's own types takes, for an error.
func valueKind(f *flag.Flag) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return "a valid value"
	}
	switch g.Get().(type) {
	case bool:
		return "true or false"
	case time.Duration:
		return "a duration such as 20ms or 1m"
	case float64:
		return "a number"
	case int, int64, uint, uint64:
		return "a whole number"
	}
	return "a valid value"
}

// oneFile is the -f flag: one fleet file per run. A second -f is an error
// instead of silently replacing the first.
type oneFile struct {
	file *string
	set  bool
	dup  string
}

var errTwice = errors.New("given twice")

func (o *oneFile) String() string {
	if o == nil || o.file == nil {
		return ""
	}
	return *o.file
}

func (o *oneFile) Set(v string) error {
	if o.set {
		o.dup = v
		return errTwice
	}
	o.set = true
	*o.file = v
	return nil
}

// closest is the candidate nearest to name: one that starts with name or
// that name starts with (the first in sort order; a candidate of one or
// two letters is too short to be recognized in a word), else one within a
// Damerau-Levenshtein distance of 2 (1 for names of up to 4 letters), the
// nearest. "" when none is close.
func closest(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		// "vers" is version, "applyx" apply; but "force" is not -f.
		if strings.HasPrefix(c, name) || len(c) > 2 && strings.HasPrefix(name, c) {
			return c
		}
	}
	limit := 2
	if len([]rune(name)) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	for _, c := range sorted {
		if d := editDistance(strings.ToLower(name), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment Damerau-Levenshtein distance:
// insertions, deletions, substitutions and transpositions of two adjacent
// letters each count 1 ("aply" is 1 from "apply", "destory" 1 from "destroy").
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	d := make([][]int, len(s)+1)
	for i := range d {
		d[i] = make([]int, len(t)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(s); i++ {
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(s)][len(t)]
}
