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

// readSideFile reads a regular file of at most limit bytes.
func readSideFile(path string, limit int64) ([]byte, error) {
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
		return nil, fmt.Errorf("the file is %d bytes; the limit is %d", st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the file is over %d bytes", limit)
	}
	return data, nil
}
