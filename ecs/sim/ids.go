package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// IDs and random decisions are pure functions of the seed and a counter kept
// in the persisted state, not of a shared random stream: the same seed and
// the same sequence of requests give the same IDs, jitter and faults, even
// across processes and regardless of goroutine scheduling.

// hash64 mixes the seed with labels into 64 bits.
func hash64(seed int64, parts ...any) uint64 {
	h := sha256.New()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	for _, p := range parts {
		fmt.Fprint(h, "|", p)
	}
	sum := h.Sum(nil)
	return binary.BigEndian.Uint64(sum[:8])
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / float64(uint64(1)<<53) }

// roll reports whether the n-th event of class fires with probability p.
func roll(seed int64, class string, n uint64, p float64) bool {
	if p <= 0 {
		return false
	}
	return unit(hash64(seed, "roll", class, n)) < p
}

// jitter returns a factor in [1-j, 1+j] for key.
func jitter(seed int64, key string, j float64) float64 {
	if j <= 0 {
		return 1
	}
	return 1 + j*(2*unit(hash64(seed, "jitter", key))-1)
}

// newUUID returns the next deterministic RFC 4122 v4-shaped UUID.
func (st *State) newUUID(seed int64) string {
	st.IDCounter++
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|uuid|%d", seed, st.IDCounter)))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newHexID returns the next deterministic 32-hex-char id (job ids, tokens
// use crypto randomness instead).
func (st *State) newHexID(seed int64) string {
	st.IDCounter++
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|hex|%d", seed, st.IDCounter)))
	return hex.EncodeToString(sum[:16])
}

// macFor derives a stable MAC (OpenStack's fa:16:3e prefix) from a port id.
func macFor(portID string) string {
	sum := sha256.Sum256([]byte(portID))
	return fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", sum[0], sum[1], sum[2])
}
