package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
)

// A holder's process is known to be gone only where /proc tells (Linux):
// the holder's Machine is a hash of the boot id and of the pid namespace
// its process ran in, and PStart the process's start time in clock ticks
// since boot. Another process with the same Machine sees the same pids:
// the holder's pid no longer running, or running with another start time
// (the pid was reused), means the holder died. Elsewhere (no /proc, another
// machine, another container) nothing is known, and only the lock's expiry
// or force-unlock frees it.

// processIdentity is the process space and start time of pid ("", "" when
// /proc does not say).
func processIdentity(pid int) (machine, pstart string) {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", ""
	}
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return "", ""
	}
	start := procStart(pid)
	if start == "" {
		return "", ""
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(string(boot)) + "\x00" + ns))
	return hex.EncodeToString(sum[:6]), start
}

// procStart is field 22 of /proc/PID/stat, the process's start time.
func procStart(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces and ')'
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state): field 22 is f[19].
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

// processGone reports that the process pid that started at pstart is
// certainly no longer running (in this process's pid space; the caller
// checks it is the holder's).
func processGone(pid int, pstart string) bool {
	if pid <= 0 || pstart == "" {
		return false
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		return false // no /proc: nothing is known
	}
	cur := procStart(pid)
	if cur == "" {
		_, err := os.Stat("/proc/" + strconv.Itoa(pid))
		return os.IsNotExist(err)
	}
	if cur != pstart {
		return true // the pid was reused by another process
	}
	// A zombie (killed, not yet reaped by its parent) is gone too.
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		if f := strings.Fields(s[i+1:]); len(f) > 0 && (f[0] == "Z" || f[0] == "X") {
			return true
		}
	}
	return false
}
