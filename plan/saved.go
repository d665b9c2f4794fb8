package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// A saved plan (`ecsfleet plan -out FILE`) is one JSON document: a small
// envelope with a magic name, the format version and the SHA-256 of the
// plan's bytes, then the plan. The checksum turns a truncated or edited
// file into a clear error instead of a plan that does something else.
//
//	{"ecsfleet_saved_plan": "1", "sha256": "…", "plan": {…}}

// SavedMagic names the envelope's first field.
const SavedMagic = "ecsfleet_saved_plan"

// maxSavedPlan bounds what ReadSaved reads: a 10,000-server plan is a few
// MB; anything far larger is not a plan.
const maxSavedPlan = 256 << 20

type envelope struct {
	Magic  string          `json:"ecsfleet_saved_plan"`
	SHA256 string          `json:"sha256"`
	Plan   json.RawMessage `json:"plan"`
}

// WriteSaved writes p to path (mode 0600: a plan names servers and
// networks), through a temporary file and a rename, so a crash never
// leaves half a plan under the name.
func WriteSaved(path string, p *Plan) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	out, err := json.Marshal(envelope{Magic: FormatVersion, SHA256: hex.EncodeToString(sum[:]), Plan: body})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ecsfleet-plan-*")
	if err != nil {
		return fmt.Errorf("cannot write the plan: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(out, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write the plan: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// SavedError is a saved plan that cannot be used, and why.
type SavedError struct {
	Path string
	Why  string
}

func (e *SavedError) Error() string {
	return fmt.Sprintf("%s is not a usable saved plan: %s; make a new one with 'ecsfleet plan -f FLEET_FILE -out PLANFILE' (a fleet file is given with -f)", e.Path, e.Why)
}

// ReadSaved reads and checks a saved plan.
func ReadSaved(path string) (*Plan, error) {
	// A device or a named pipe is refused before it is opened: opening a
	// pipe blocks, and /dev/zero never ends.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, &SavedError{path, "it is not a regular file"}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, &SavedError{path, "it is not a regular file"}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSavedPlan+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSavedPlan {
		return nil, &SavedError{path, "it is larger than any plan (256 MB)"}
	}
	return DecodeSaved(path, data)
}

// DecodeSaved checks and decodes the bytes of a saved plan; path is for messages.
func DecodeSaved(path string, data []byte) (*Plan, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&env); err != nil {
		return nil, &SavedError{path, jsonWhere("it is not JSON or it is truncated", err, len(data))}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &SavedError{path, "it has more after the plan (the file was changed or damaged)"}
	}
	if env.Magic == "" {
		return nil, &SavedError{path, "it has no " + SavedMagic + " header (is it a plan written by 'ecsfleet plan -out'?)"}
	}
	if env.Magic != FormatVersion {
		return nil, &SavedError{path, fmt.Sprintf("it is format %q and this ecsfleet reads format %q", env.Magic, FormatVersion)}
	}
	sum := sha256.Sum256(env.Plan)
	if hex.EncodeToString(sum[:]) != env.SHA256 {
		return nil, &SavedError{path, "its checksum does not match its content (the file was changed or damaged)"}
	}
	var p Plan
	if err := json.Unmarshal(env.Plan, &p); err != nil {
		return nil, &SavedError{path, jsonWhere("its plan does not decode", err, len(env.Plan))}
	}
	if p.FormatVersion != FormatVersion {
		return nil, &SavedError{path, fmt.Sprintf("its plan is format %q", p.FormatVersion)}
	}
	for i, op := range p.Ops {
		if op.ID == "" || op.Kind == "" {
			return nil, &SavedError{path, fmt.Sprintf("op %d has no id or kind", i+1)}
		}
	}
	return &p, nil
}

// jsonWhere adds to why (which names err) where JSON of size bytes that
// did not decode went wrong.
func jsonWhere(why string, err error, size int) string {
	why += " (" + err.Error() + ")"
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF): // no JSON value at all
		return why + ": it is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s: it ends at byte %d, in the middle of its JSON", why, size)
	case errors.As(err, &syn):
		return fmt.Sprintf("%s at byte %d", why, syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s at byte %d", why, typ.Offset)
	}
	return why
}

// ErrStale is wrapped by the error Stale returns.
var ErrStale = errors.New("plan is stale")
