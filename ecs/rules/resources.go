package rules

import (
	"fmt"
	"unicode"
)

// KeypairName checks an SSH keypair name (5.30.2 name). The reference
// gives no character set or length for it; the rule here is 1-64
// characters of A-Z a-z 0-9 _ -, the set every HCS console and Nova accept,
// so a name valid here works on every path (names are path segments in
// 5.30.3 and 5.30.4, where spaces and dots would need escaping).
func KeypairName(name string) error {
	if name == "" {
		return fmt.Errorf("keypair name is empty; it needs 1 to %d characters", MaxKeypairNameLen)
	}
	ok := func(r rune) bool {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return true
		}
		return r == '_' || r == '-'
	}
	if r, bad := badRune(name, ok); bad {
		return fmt.Errorf("keypair name %q has a character outside A-Z a-z 0-9 _ - (%s)", name, describeRune(r))
	}
	if n := len(name); n > MaxKeypairNameLen {
		return fmt.Errorf("keypair name %q is %d characters long; the limit is %d", name, n, MaxKeypairNameLen)
	}
	return nil
}

// ServerGroupName checks a server group name (5.16.1 name: length > 0 and
// < 256 bytes). The reference names no character set; control characters
// and invalid UTF-8 are refused since they cannot be shown or typed back.
func ServerGroupName(name string) error {
	if name == "" {
		return fmt.Errorf("server group name is empty; it needs 1 to %d bytes", MaxServerGroupNameLen)
	}
	if len(name) > MaxServerGroupNameLen {
		return fmt.Errorf("server group name is %d bytes long; the limit is %d bytes", len(name), MaxServerGroupNameLen)
	}
	if r, bad := badRune(name, func(r rune) bool { return !unicode.IsControl(r) }); bad {
		return fmt.Errorf("server group name %q has a character that is not allowed (%s)", name, describeRune(r))
	}
	return nil
}

// Server group policies (5.16.1 policies).
const (
	PolicyAntiAffinity     = "anti-affinity"
	PolicyAffinity         = "affinity"
	PolicySoftAntiAffinity = "soft-anti-affinity"
	PolicySoftAffinity     = "soft-affinity"
)

// ServerGroupPolicies lists the policies 5.16.1 allows, in its order.
var ServerGroupPolicies = []string{PolicyAntiAffinity, PolicyAffinity, PolicySoftAntiAffinity, PolicySoftAffinity}

// ServerGroupPolicy checks a server group policy (5.16.1 policies:
// anti-affinity, affinity, soft-anti-affinity, soft-affinity; exact case).
func ServerGroupPolicy(policy string) error {
	for _, p := range ServerGroupPolicies {
		if policy == p {
			return nil
		}
	}
	return fmt.Errorf("server group policy %q is not one of anti-affinity, affinity, soft-anti-affinity, soft-affinity", policy)
}

// VolumeSize checks a data volume size in GB (5.2.1 data_volume.size: [1,65536]).
func VolumeSize(gb int) error {
	if gb < MinVolumeSizeGB || gb > MaxVolumeSizeGB {
		return fmt.Errorf("volume size %d GB is outside %d..%d GB", gb, MinVolumeSizeGB, MaxVolumeSizeGB)
	}
	return nil
}

// UserData checks user_data before base64 encoding (5.2.1 user_data: at
// most 32 KB, read as 32768 bytes). Empty user_data is accepted (real
// clients send "", real-client-evidence C6). The content is never echoed:
// it may hold secrets.
func UserData(raw []byte) error {
	if len(raw) > MaxUserDataBytes {
		return fmt.Errorf("user_data is %d bytes before base64; the limit is %d bytes (32 KB)", len(raw), MaxUserDataBytes)
	}
	return nil
}

// NICCount checks the number of NICs of a new server (5.2.1 nics: 1-16).
func NICCount(n int) error {
	if n < 1 || n > MaxNICsPerServer {
		return fmt.Errorf("%d NICs; a server needs 1 to %d", n, MaxNICsPerServer)
	}
	return nil
}

// DataVolumeCount checks the number of data volumes of a new server (5.2.1 data_volumes: 0-59).
func DataVolumeCount(n int) error {
	if n < 0 || n > MaxDataVolumes {
		return fmt.Errorf("%d data volumes; a new server can have at most %d", n, MaxDataVolumes)
	}
	return nil
}

// SharedVolumeServers checks how many servers one shared volume attaches to (5.8.1: at most 16).
func SharedVolumeServers(n int) error {
	if n > MaxServersPerSharedVolume {
		return fmt.Errorf("shared volume attached to %d servers; the limit is %d", n, MaxServersPerSharedVolume)
	}
	return nil
}
