package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxConfigSize bounds the config file: a few dozen lines are expected, and
// a path that names something huge by mistake is refused, not read.
const maxConfigSize = 1 << 20

// defaultConfigPath is ~/.config/ecsfleet/config.yaml ($XDG_CONFIG_HOME
// when set), on every system; "" when there is no home directory.
func defaultConfigPath(getenv func(string) string) string {
	if dir := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "ecsfleet", "config.yaml")
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "ecsfleet", "config.yaml")
}

// readCloudConfig reads the config file at path: a YAML mapping whose keys
// are the cloud settings' names (cloudSettings). A missing file is no
// settings unless explicit (given with --config). A file that is not a
// regular file (a device, a FIFO, a directory, through a symlink or not)
// or is larger than maxConfigSize is refused before it is read. A file
// holding a secret that group or others may read gets a warning on
// stderr, as ssh gives one. No message quotes a value.
func readCloudConfig(path string, explicit bool, stderr io.Writer) (map[string]cloudValue, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot read the config file %s: %w", path, unwrapPath(err))
	}
	if err := configFileOK(path, st); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the config file %s: %w", path, unwrapPath(err))
	}
	defer f.Close()
	// Again on the open file: it may have been replaced since the Stat.
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("cannot read the config file %s: %w", path, unwrapPath(err))
	}
	if err := configFileOK(path, st); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the config file %s: %w", path, err)
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("the config file %s is larger than 1 MiB; refusing to read it", path)
	}
	vals, err := parseCloudConfig(path, data)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		for _, s := range cloudSettings {
			if _, ok := vals[s.key]; ok && s.secret {
				fmt.Fprintf(stderr, "ecsfleet: warning: the config file %s holds a secret (%s) and others can read it (mode %04o); run: chmod 600 %s\n", path, s.key, st.Mode().Perm(), path)
				break
			}
		}
	}
	return vals, nil
}

// unwrapPath is a path error's reason: the message names the path itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// configFileOK refuses what is not a small regular file.
func configFileOK(path string, st fs.FileInfo) error {
	switch {
	case st.IsDir():
		return fmt.Errorf("the config file %s is a directory", path)
	case !st.Mode().IsRegular():
		what := "a special file"
		switch t := st.Mode().Type(); {
		case t&fs.ModeDevice != 0:
			what = "a device"
		case t&fs.ModeNamedPipe != 0:
			what = "a named pipe"
		case t&fs.ModeSocket != 0:
			what = "a socket"
		}
		return fmt.Errorf("the config file %s is %s, not a regular file; refusing to read it", path, what)
	case st.Size() > maxConfigSize:
		return fmt.Errorf("the config file %s is larger than 1 MiB; refusing to read it", path)
	}
	return nil
}

// parseCloudConfig reads the settings of a config file's text. Each value
// remembers its line, for messages that say where a setting came from.
func parseCloudConfig(path string, data []byte) (map[string]cloudValue, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// yaml.v3's syntax errors name a line and a problem, never a value.
		return nil, fmt.Errorf("%s: not valid YAML: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return map[string]cloudValue{}, nil // empty, or only comments
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return map[string]cloudValue{}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: the config file is a mapping of settings to values (endpoint: https://ecs.example.com); known keys: %s", path, root.Line, knownKeys())
	}
	vals := map[string]cloudValue{}
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		s, ok := settingByKey(k.Value)
		if k.Kind != yaml.ScalarNode || !ok {
			hint := ""
			if alt, ok := settingByKey(strings.ReplaceAll(strings.ToLower(k.Value), "_", "-")); ok && k.Kind == yaml.ScalarNode {
				hint = fmt.Sprintf(" (did you mean %s?)", alt.key)
			}
			return nil, fmt.Errorf("%s:%d: unknown key %q%s; known keys: %s", path, k.Line, k.Value, hint, knownKeys())
		}
		if first, dup := lines[s.key]; dup {
			return nil, fmt.Errorf("%s:%d: %s is set twice (first on line %d)", path, k.Line, s.key, first)
		}
		lines[s.key] = k.Line
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if v.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s:%d: %s takes one value, not a list or a mapping", path, v.Line, s.key)
		}
		if v.Tag == "!!null" || v.Value == "" {
			continue // "key:" with nothing after it, or "", sets nothing
		}
		val := v.Value
		if s.isBool {
			b, ok := parseBoolSetting(val)
			if !ok {
				return nil, fmt.Errorf("%s:%d: %s is true or false", path, v.Line, s.key)
			}
			val = b
		}
		vals[s.key] = cloudValue{value: val, from: fmt.Sprintf("%s in %s:%d", s.key, path, k.Line)}
	}
	return vals, nil
}

// parseBoolSetting reads insecure's value as the environment gives it.
func parseBoolSetting(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "", "0", "false":
		return "false", true
	case "1", "true":
		return "true", true
	}
	return "", false
}

// knownKeys lists the config file's keys, in the help's order.
func knownKeys() string {
	keys := make([]string, len(cloudSettings))
	for i, s := range cloudSettings {
		keys[i] = s.key
	}
	return strings.Join(keys, ", ")
}
