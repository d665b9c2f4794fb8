package spec

import (
	"bytes"
	"strings"
)

// yaml.v3 reports a syntax error's line but not its column, so every YAML
// syntax error used to point at column 1. For the scanner errors whose
// line is the offending line, the offending token can be found on it
// again by what the message says it is; syntaxColumn does that. Parser
// errors ("did not find expected key", "... ',' or ']'") name the line
// where the enclosing construct began, not a token, and keep column 1.

// syntaxPos corrects the position of the yaml.v3 errors whose line is
// not the offending token's. A tab that breaks indentation is reported at
// the line break the scanner started from, a line or more early: the
// real place is the first tab in the indentation of a line from there on.
// An unknown alias has no line at all: it is the first *NAME written as
// an alias. ok is false when there is nothing to correct.
func syntaxPos(src []byte, line int, msg string) (int, int, bool) {
	switch {
	case strings.Contains(msg, "found a tab character that violates indentation"):
		for l := max(line, 1); ; l++ {
			text, ok := lineOf(src, l)
			if !ok {
				return 0, 0, false
			}
			indent := len(text) - len(bytes.TrimLeft(text, " \t"))
			if i := bytes.IndexByte(text[:indent], '\t'); i >= 0 {
				return l, i + 1, true
			}
		}
	case strings.HasPrefix(msg, "unknown anchor '"):
		name, _, _ := strings.Cut(strings.TrimPrefix(msg, "unknown anchor '"), "'")
		return aliasPos(src, name)
	}
	return 0, 0, false
}

// aliasPos finds the first *name in src that is an alias: after a space,
// a flow indicator or at a line's start, ending where a name ends, and not
// in a comment or a quoted string (a rough scan, for a message only).
func aliasPos(src []byte, name string) (int, int, bool) {
	for l := 1; ; l++ {
		text, ok := lineOf(src, l)
		if !ok {
			return 0, 0, false
		}
		var quote byte
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t'):
				i = len(text)
			case c == '*' && (i == 0 || bytes.IndexByte([]byte(" \t[{,:-"), text[i-1]) >= 0) && bytes.HasPrefix(text[i+1:], []byte(name)):
				end := i + 1 + len(name)
				if end == len(text) || bytes.IndexByte([]byte(" \t,]}"), text[end]) >= 0 {
					return l, len([]rune(string(text[:i]))) + 1, true
				}
			}
		}
	}
}

// syntaxColumn returns the 1-based column of the token a yaml.v3 error
// message complains about on line (1-based) of src, or 1 when the kind of
// error is not one it knows or the token is not found.
func syntaxColumn(src []byte, line int, msg string) int {
	text, ok := lineOf(src, line)
	if !ok {
		return 1
	}
	col := -1
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		col = mappingColon(text)
	case strings.Contains(msg, "found character that cannot start any token"):
		col = badTokenStart(text)
	case strings.Contains(msg, "found a tab character"):
		col = bytes.IndexByte(text, '\t')
	case strings.Contains(msg, "control characters are not allowed"):
		col = bytes.IndexFunc(text, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f })
	case strings.Contains(msg, "could not find expected ':'"):
		col = len(text) - len(bytes.TrimLeft(text, " -"))
	}
	if col < 0 || col >= len(text) {
		return 1
	}
	return len([]rune(string(text[:col]))) + 1
}

// lineOf returns line n (1-based) of src without its line break.
func lineOf(src []byte, n int) ([]byte, bool) {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return nil, false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return bytes.TrimSuffix(src, []byte("\r")), true
}

// mappingColon finds the colon that makes a second mapping on one line
// ("flavor: a: b" -> the second ':'), or the only one ("  y: 2" under a
// scalar). Colons in quotes or a comment do not count; a colon counts
// when a space or the line's end follows it, as in YAML.
func mappingColon(text []byte) int {
	var colons []int
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || text[i-1] == ' ' || text[i-1] == ':' {
				quote = c
			}
		case c == '#' && (i == 0 || text[i-1] == ' '):
			i = len(text)
		case c == ':' && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t'):
			colons = append(colons, i)
		}
	}
	switch len(colons) {
	case 0:
		return -1
	case 1:
		return colons[0]
	}
	return colons[1]
}

// badTokenStart finds the first character YAML refuses at the start of a
// token (@ and ` are reserved; a tab may not indent) where a token
// starts: after the indentation, or after a space or a flow indicator.
func badTokenStart(text []byte) int {
	for i, c := range text {
		atStart := i == 0 || strings.IndexByte(" \t[{,", text[i-1]) >= 0
		if !atStart {
			continue
		}
		if c == '@' || c == '`' || c == '\t' && len(bytes.TrimLeft(text[:i], " \t")) == 0 {
			return i
		}
	}
	return -1
}
