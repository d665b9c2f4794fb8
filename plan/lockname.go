package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// The run lock (docs/locking.md, engine/lock.go) is a keypair, the only
// object of the ECS API with an atomic create-if-absent: a name is unique
// in a project and a second create of it answers 409. Its names start
// with LockKeypairPrefix, which is reserved: a fleet file may not name
// such a keypair, so a plan can never create, adopt or give servers the
// lock (it exists, unused by any server, whenever a run holds it: exactly
// what the planner would otherwise offer to adopt).

// LockKeypairPrefix starts the name of every keypair the run lock makes:
// the lock itself (ecsfleet-lock-<fleet>) and its break tickets
// (ecsfleet-lockb-<fleet>-...).
const LockKeypairPrefix = "ecsfleet-lock"

// maxLockFleetPart bounds the fleet's part of a lock name, so that a break
// ticket's name (15 + part + 13 characters) stays within the 64 of a
// keypair name.
const maxLockFleetPart = 32

// LockKeypairName is the name of fleet's run lock: ecsfleet-lock-<fleet>
// when the fleet name is made of keypair-name characters and short enough,
// else a readable part of it and a hash of the whole (a fleet name may
// hold dots and Chinese characters, which a keypair name may not).
func LockKeypairName(fleet string) string {
	return LockKeypairPrefix + "-" + LockFleetPart(fleet)
}

// LockFleetPart is the fleet's part of its lock's names.
func LockFleetPart(fleet string) string {
	plain := fleet != "" && len(fleet) <= maxLockFleetPart
	for _, r := range fleet {
		plain = plain && keypairRune(r)
	}
	if plain {
		return fleet
	}
	var b strings.Builder
	for _, r := range fleet {
		if b.Len() == maxLockFleetPart-9 {
			break
		}
		if keypairRune(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	sum := sha256.Sum256([]byte(fleet))
	return b.String() + "-" + hex.EncodeToString(sum[:4])
}

// keypairRune: a keypair name's characters (rules.KeypairName).
func keypairRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// IsLockKeypair reports whether a keypair name is reserved for the lock.
func IsLockKeypair(name string) bool {
	return strings.HasPrefix(name, LockKeypairPrefix)
}

// reservedKeypairs refuses a fleet file that names a lock keypair (a
// server set can only use a keypair the file names: spec checks that).
func (pl *planner) reservedKeypairs() {
	const hint = "names starting with " + LockKeypairPrefix + " are reserved for ecsfleet's run lock (docs/locking.md): give the keypair another name"
	for _, k := range pl.f.Keypairs {
		if IsLockKeypair(k.Name) {
			pl.probs.add(k.Pos, hint, "keypair %q: the name is reserved: it is the run lock's, not a login key", k.Name)
		}
	}
}
