package sim

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// fileStore persists the state to one JSON file shared by processes.
// A request takes an exclusive flock on "<file>.lock", reloads the state
// when another process saved since this one last loaded or saved it, and
// saves after a mutation by writing a temp file, fsyncing it and renaming
// it over the old one, so a reader never sees a half-written file and two
// processes never lose each other's writes.
//
// "Changed" is decided by the generation number each save writes into the
// lock file (read under the lock, 8 bytes, exact), and the file's identity
// (inode, size, mtime) as a second signal, so a large state is not re-read
// on every request.
type fileStore struct {
	path     string
	lockPath string
	seen     fileID
	seenGen  uint64
	lf       *os.File // the lock file while locked
}

type fileID struct {
	ino  uint64
	size int64
	mod  int64
	ok   bool
}

func openFileStore(path string) (*fileStore, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, err
	}
	return &fileStore{path: abs, lockPath: abs + ".lock"}, nil
}

// lock takes the cross-process lock; the returned func releases it.
func (f *fileStore) lock() (func(), error) {
	lf, err := os.OpenFile(f.lockPath, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
		lf.Close()
		return nil, fmt.Errorf("lock %s: %w", f.lockPath, err)
	}
	f.lf = lf
	return func() {
		f.lf = nil
		_ = syscall.Flock(int(lf.Fd()), syscall.LOCK_UN)
		lf.Close()
	}, nil
}

// lockGen reads the generation recorded in the lock file (0 if none).
func (f *fileStore) lockGen() uint64 {
	if f.lf == nil {
		return 0
	}
	var b [8]byte
	if n, err := f.lf.ReadAt(b[:], 0); n != 8 || (err != nil && n != 8) {
		return 0
	}
	return binary.BigEndian.Uint64(b[:])
}

// setLockGen records gen in the lock file.
func (f *fileStore) setLockGen(gen uint64) {
	if f.lf == nil {
		return
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], gen)
	_, _ = f.lf.WriteAt(b[:], 0)
}

func statID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	id := fileID{size: fi.Size(), mod: fi.ModTime().UnixNano(), ok: true}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.ino = st.Ino
	}
	return id, nil
}

// loadIfChanged returns the file's state when it differs from what this
// process last loaded or saved; (nil, true, nil) when there is no file yet.
func (f *fileStore) loadIfChanged() (*State, bool, error) {
	id, err := statID(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, !f.seen.ok, nil
	}
	if err != nil {
		return nil, false, err
	}
	if f.seen.ok && id == f.seen && f.lockGen() == f.seenGen {
		return nil, false, nil
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return nil, false, err
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, false, fmt.Errorf("state file %s is corrupt: %w", f.path, err)
	}
	if st.Projects == nil {
		st.Projects = map[string]*ProjectState{}
	}
	if st.Tokens == nil {
		st.Tokens = map[string]Token{}
	}
	f.seen, f.seenGen = id, st.Generation
	return &st, true, nil
}

// removeStaleTemps removes "<file>.tmp*" files a process killed during a
// save left behind. Call it holding the lock: saves (the only writers of
// temp files) run under it, so no live process is writing one.
func (f *fileStore) removeStaleTemps() {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(f.path), globEscape(filepath.Base(f.path))+".tmp*"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

// globEscape quotes the glob metacharacters of a file name.
func globEscape(name string) string {
	var b []byte
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '*', '?', '[', '\\':
			b = append(b, '\\')
		}
		b = append(b, name[i])
	}
	return string(b)
}

// save writes st atomically and durably (temp + fsync + rename + dir fsync).
func (f *fileStore) save(st *State) error {
	st.Generation++
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), filepath.Base(f.path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(f.path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	id, err := statID(f.path)
	if err != nil {
		return err
	}
	f.seen, f.seenGen = id, st.Generation
	f.setLockGen(st.Generation)
	return nil
}
