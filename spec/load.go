package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// LoadOptions are the inputs of a load that do not come from the file.
type LoadOptions struct {
	// Vars are --var values; they override --var-file values and the
	// file's own variable defaults.
	Vars map[string]string
	// VarFiles are --var-file paths, applied in order (later wins), under Vars.
	// A .hcl file holds NAME = "value" lines; any other is a YAML mapping.
	VarFiles []string
	// LookupEnv reads the environment; nil means os.LookupEnv. Tests set it.
	LookupEnv func(string) (string, bool)
	// AllowLiteralSecrets accepts passwords written in the file itself
	// (also settable in the file with allow_literal_secrets: true).
	AllowLiteralSecrets bool
	// BaseDir is the directory relative paths in the file are resolved
	// against; "" means the file's own directory.
	BaseDir string
}

func (o *LoadOptions) lookupEnv() func(string) (string, bool) {
	if o.LookupEnv != nil {
		return o.LookupEnv
	}
	return os.LookupEnv
}

// Load reads and validates the fleet file at path. The format follows the
// extension (.yaml, .yml or .hcl). The Fleet is nil when the
// diagnostics contain an error.
func Load(path string, opts LoadOptions) (*Fleet, Diagnostics) {
	f, _, diags := LoadSource(path, opts)
	return f, diags
}

// LoadSource is Load that also returns the file's bytes as it parsed them
// (nil when they could not be read), for a caller that records what it
// planned from (the plan keeps their hash).
func LoadSource(path string, opts LoadOptions) (*Fleet, []byte, Diagnostics) {
	src, err := readSideFile(path, MaxFileSize)
	if big := (*tooBigError)(nil); errors.As(err, &big) && big.size >= 0 {
		return nil, nil, Diagnostics{{Severity: Error, Pos: Pos{File: path}, Message: fmt.Sprintf("the file is %d bytes; fleet files are limited to %d bytes (1 MiB)", big.size, MaxFileSize)}}
	}
	if err != nil {
		return nil, nil, Diagnostics{{Severity: Error, Pos: Pos{File: path}, Message: fmt.Sprintf("cannot read the fleet file: %v", err)}}
	}
	if opts.BaseDir == "" {
		opts.BaseDir = filepath.Dir(path)
	}
	f, diags := Parse(path, src, opts)
	return f, src, diags
}

// notText finds the first byte of src that is not UTF-8 text (an invalid
// byte, or NUL) and returns its line and column (in characters).
func notText(src []byte) (Pos, string, bool) {
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return Pos{Line: line, Col: col}, fmt.Sprintf("byte 0x%02x", src[i]), true
		case r == 0:
			return Pos{Line: line, Col: col}, "a NUL byte", true
		case r == '\n':
			line, col = line+1, 1
		default:
			col++
		}
		i += size
	}
	return Pos{}, "", false
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Parse reads and validates a fleet from src; filename names it in
// diagnostics and chooses the syntax by extension. All problems are
// returned at once, sorted by position.
func Parse(filename string, src []byte, opts LoadOptions) (*Fleet, Diagnostics) {
	sink := &diagSink{}
	sink.red.source(filename, src)
	f := parse(filename, src, &opts, sink)
	sink.red.apply(sink.diags)
	sink.diags.Sort()
	if sink.diags.HasErrors() {
		return nil, sink.diags
	}
	return f, sink.diags
}

func parse(filename string, src []byte, opts *LoadOptions, sink *diagSink) *Fleet {
	top := Pos{File: filename}
	if len(src) > MaxFileSize {
		sink.errorf(top, "the file is %d bytes; fleet files are limited to %d bytes (1 MiB)", len(src), MaxFileSize)
		return nil
	}
	if p, what, bad := notText(src); bad {
		p.File = filename
		sink.errorf(p, "the file is not UTF-8 text: %s here", what).hint("fleet files are YAML or HCL text; is this a binary file, or saved in another encoding?")
		return nil
	}
	vars, ok := loadVarFiles(opts, sink)
	if !ok {
		return nil
	}
	for k, v := range opts.Vars {
		vars[k] = v
	}
	o := *opts
	o.Vars = vars
	var raw *rawFleet
	switch ext := strings.ToLower(filepath.Ext(filename)); ext {
	case ".yaml", ".yml":
		raw = parseYAML(filename, src, &o, sink)
	case ".hcl":
		raw = parseHCL(filename, src, &o, sink)
	default:
		sink.errorf(top, "cannot tell the syntax of %q from its extension %q", filepath.Base(filename), ext).hint("name fleet files *.yaml, *.yml or *.hcl")
		return nil
	}
	if raw == nil {
		return nil
	}
	b := &builder{sink: sink, opts: &o, file: filename}
	return b.build(raw)
}

// loadVarFiles reads --var-file files into one map (later files win).
func loadVarFiles(opts *LoadOptions, sink *diagSink) (map[string]string, bool) {
	vars := map[string]string{}
	ok := true
	for _, path := range opts.VarFiles {
		src, err := readSideFile(path, MaxFileSize)
		if err != nil {
			sink.errorf(Pos{File: path}, "cannot read the variable file: %v", err)
			ok = false
			continue
		}
		sink.red.varFile(path, src)
		if strings.EqualFold(filepath.Ext(path), ".hcl") {
			ok = hclVarFile(path, src, vars, sink) && ok
			continue
		}
		var n yaml.Node
		if err := yaml.Unmarshal(src, &n); err != nil {
			sink.errorf(Pos{File: path, Line: 1, Col: 1}, "invalid YAML in the variable file: %s", strings.TrimPrefix(err.Error(), "yaml: "))
			ok = false
			continue
		}
		if len(n.Content) == 0 {
			continue
		}
		if !checkYAMLTags(&n, path, sink) {
			ok = false
			continue
		}
		m := n.Content[0]
		if m.Kind != yaml.MappingNode {
			sink.errorf(Pos{File: path, Line: m.Line, Col: m.Column}, "a variable file must be a mapping of NAME: value")
			ok = false
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode || !identRe.MatchString(k.Value) {
				sink.errorf(Pos{File: path, Line: k.Line, Col: k.Column}, "a variable file must be a mapping of NAME: value")
				ok = false
				continue
			}
			vars[k.Value] = v.Value
		}
	}
	return vars, ok
}

// ParseVarArgs turns --var k=v arguments into a map.
func ParseVarArgs(args []string) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range args {
		k, v, err := parseVarArg(a)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}
