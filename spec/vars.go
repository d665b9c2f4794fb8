package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// identRe is a variable or environment variable name.
var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// interp substitutes ${var.NAME} and ${env.NAME} in YAML scalars (the HCL
// front end gets the same semantics from HCL's own templates, through the
// same lookup functions). A reference that cannot be resolved is an error
// at its position: a fleet never silently gets an empty string.
type interp struct {
	vars map[string]string
	env  func(string) (string, bool)
	sink *diagSink
	// defaults names the variables whose value is their default written
	// in the file (no --var or --var-file gave them).
	defaults map[string]bool
	// quiet is set while a value that may be secret is expanded: its
	// messages then never quote the text around a reference.
	quiet bool
}

// lookupVar resolves var.NAME, reporting an error with a hint if unknown.
func (ip *interp) lookupVar(name string, p Pos) (string, bool) {
	if v, ok := ip.vars[name]; ok {
		return v, true
	}
	d := ip.sink.errorf(p, "unknown variable var.%s", name)
	names := make([]string, 0, len(ip.vars))
	for k := range ip.vars {
		names = append(names, k)
	}
	sort.Strings(names)
	if s := Suggest(name, names); s != "" {
		d.hint("did you mean var.%s?", s)
	} else {
		d.hint("pass it with --var %s=VALUE or --var-file, or declare it under variables", name)
	}
	return "", false
}

// fileDefaults records which variables keep the default written in the
// file: those with a default (defs) that no --var or --var-file (given) set.
func (ip *interp) fileDefaults(defs []string, given map[string]string) {
	ip.defaults = map[string]bool{}
	for _, name := range defs {
		if _, ok := given[name]; !ok {
			ip.defaults[name] = true
		}
	}
}

// lookupEnv resolves env.NAME, reporting an error if it is not set.
func (ip *interp) lookupEnv(name string, p Pos) (string, bool) {
	if v, ok := ip.env(name); ok {
		ip.sink.red.env(name, v)
		return v, true
	}
	ip.sink.errorf(p, "environment variable %s is not set", name).hint("set it, or use a default with a variable")
	return "", false
}

// expand substitutes references in s; p is where s starts and quoted says
// whether its first character follows a quote (for column arithmetic).
// "$${" stands for a literal "${".
func (ip *interp) expand(s string, p Pos, quoted bool) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	ok := true
	col := func(off int) Pos {
		q := p
		if q.Line > 0 && !strings.Contains(s[:off], "\n") {
			q.Col += len([]rune(s[:off]))
			if quoted {
				q.Col++
			}
		}
		return q
	}
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			b.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			msg := fmt.Sprintf("unterminated reference %q", s[i:min(len(s), i+20)])
			if ip.quiet {
				msg = "unterminated reference: ${ without a closing }"
			}
			ip.sink.errorf(col(i), "%s", msg).hint("write ${var.NAME} or ${env.NAME}; write $${ for a literal ${")
			return s, false
		}
		ref := strings.TrimSpace(s[i+2 : i+end])
		v, good := ip.resolve(ref, col(i))
		ok = ok && good
		b.WriteString(v)
		i += end + 1
	}
	return b.String(), ok
}

// resolve looks up one reference "var.NAME" or "env.NAME".
func (ip *interp) resolve(ref string, p Pos) (string, bool) {
	root, name, found := strings.Cut(ref, ".")
	if !found || !identRe.MatchString(name) {
		shown := "${" + ref + "}"
		if ip.quiet {
			shown = "here" // the text may be part of a secret
		}
		ip.sink.errorf(p, "cannot read the reference %s", shown).hint("write ${var.NAME} or ${env.NAME}")
		return "", false
	}
	switch root {
	case "var":
		return ip.lookupVar(name, p)
	case "env":
		return ip.lookupEnv(name, p)
	}
	shown := "${" + ref + "}"
	if ip.quiet {
		shown = "here"
	}
	d := ip.sink.errorf(p, "unknown reference %s: only var. and env. can be referenced", shown)
	if s := Suggest(root, []string{"var", "env"}); s != "" {
		d.hint("did you mean ${%s.%s}?", s, name)
	}
	return "", false
}

// refRe finds the references in a line of text.
var refRe = regexp.MustCompile(`\$\{\s*((?:var|env)\.[A-Za-z_][A-Za-z0-9_-]*)\s*\}`)

// refsIn returns the references "var.NAME" and "env.NAME" written in s
// (in YAML ${var.NAME}, in HCL also bare var.NAME).
func refsIn(s string) []string {
	var out []string
	for _, m := range refRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// wholeRef reports whether s is exactly one reference "${kind.NAME}" and
// returns its parts; secrets written that way stay references.
func wholeRef(s string) (kind, name string, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") || strings.Count(s, "${") != 1 {
		return "", "", false
	}
	kind, name, ok = strings.Cut(strings.TrimSpace(s[2:len(s)-1]), ".")
	if !ok || (kind != "env" && kind != "var") || !identRe.MatchString(name) {
		return "", "", false
	}
	return kind, name, true
}

// parseVarArg splits a --var argument "k=v".
func parseVarArg(arg string) (string, string, error) {
	k, v, ok := strings.Cut(arg, "=")
	// The argument is not quoted back: a mistyped --var may be a password.
	if !ok {
		return "", "", fmt.Errorf("--var: an argument without \"=\"; want NAME=VALUE")
	}
	if !identRe.MatchString(k) {
		return "", "", fmt.Errorf("--var: the part before \"=\" is not a variable name (letters, digits, _ and -); want NAME=VALUE")
	}
	return k, v, nil
}
