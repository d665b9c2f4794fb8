package spec

import (
	"fmt"
	"io"
	"os"
)

// maxSideFile bounds files a fleet refers to (public keys, user data,
// secrets). They are small by nature; the bound and the regular-file check
// keep a typo like /dev/zero from hanging a load.
const maxSideFile = 1 << 20

// tooBigError is a file over the limit of what is read of it.
type tooBigError struct{ size, limit int64 }

func (e *tooBigError) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("the file is over %d bytes", e.limit)
	}
	return fmt.Sprintf("the file is %d bytes; the limit is %d", e.size, e.limit)
}

// readSideFile reads a regular file of at most limit bytes. Anything else
// (a device such as /dev/zero, a named pipe, a directory, also behind a
// symlink) is refused before it is opened, so it can neither block nor be
// read without end; and at most limit+1 bytes are ever read.
func readSideFile(path string, limit int64) ([]byte, error) {
	if st, err := os.Stat(path); err != nil {
		return nil, unwrapPathErr(err)
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if st.Size() > limit {
		return nil, &tooBigError{st.Size(), limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if int64(len(data)) > limit {
		return nil, &tooBigError{-1, limit}
	}
	return data, nil
}

// ReadSource reads a fleet file or --var-file the way Load does: a
// regular file of at most MaxFileSize bytes, anything else refused before
// it is read. A caller that shows the source lines of diagnostics reads
// the files with it, so a path that Load refused (a link to /dev/zero, a
// named pipe) is not read without end the second time.
func ReadSource(path string) ([]byte, error) {
	return readSideFile(path, MaxFileSize)
}
