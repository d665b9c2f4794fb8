package rules

// Limits stated by the HCS 8.3.0 ECS API reference. Section numbers refer to
// the Chinese original (hcs-8.3.0-ecs-api-reference.zh.txt).
const (
	// MaxCreateCount is the largest count of one create call (5.2.1 count: 1-1000).
	MaxCreateCount = 1000
	// MaxPostfixPlusCount bounds extendparam.postfix + count (5.2.1 table 5-17).
	MaxPostfixPlusCount = 9999
	// MaxServerNameLen is the longest create/rename/modify name (5.2.1, 5.2.6, 5.2.8).
	MaxServerNameLen = 64
	// MaxServerNameLenBatch is the longest create name when count > 1: the
	// API appends a 5-character suffix such as "-0001" (5.2.1 name).
	MaxServerNameLenBatch = 59
	// MaxServerNameLenPostfix is the longest create name with an
	// extendparam.postfix: len(postfix) + len(name) must not pass name's
	// maximum, 64 (5.2.1 table 5-17), and a postfix has 4 digits.
	MaxServerNameLenPostfix = 60
	// MaxRenameBatch is the number of servers one batch rename may name (5.2.8).
	MaxRenameBatch = 50
	// MaxResizeBatch is the number of servers one batch resize or live resize may name (5.21.6, 5.21.7).
	MaxResizeBatch = 30
	// MaxTagsPerServer is the tag limit per server (5.2.1 tags, 5.13.1, 5.13.2).
	MaxTagsPerServer = 10
	// MaxNICsPerServer is the NIC limit per server (5.2.1 nics: array length 1-16).
	MaxNICsPerServer = 16
	// MaxDataVolumes is the data-volume limit of a new server (5.2.1 data_volumes: 0-59).
	MaxDataVolumes = 59
	// MinVolumeSizeGB and MaxVolumeSizeGB bound a data volume (5.2.1 data_volume.size: [1,65536]).
	MinVolumeSizeGB, MaxVolumeSizeGB = 1, 65536
	// MaxServersPerSharedVolume is the attachment limit of a shared (multiattach) volume (5.8.1).
	MaxServersPerSharedVolume = 16
	// MaxUserDataBytes is the user_data limit before base64 encoding (5.2.1 user_data: 32 KB).
	MaxUserDataBytes = 32 * 1024
	// MaxDescriptionLen is the longest server description (5.2.6 description: 0-63).
	MaxDescriptionLen = 63

	// MaxTagKeyLen and MaxTagValueLen are the tag lengths at create (5.2.1 tags).
	MaxTagKeyLen, MaxTagValueLen = 36, 43
	// MaxActionTagLen is the key and value length of the tag endpoints
	// (5.13.1, 5.13.2 tags_action: key 1-255, value 0-255 characters).
	MaxActionTagLen = 255
	// MaxMetadataKeyLen and MaxMetadataValueLen bound metadata (5.9.1 table metadata-self-define).
	MaxMetadataKeyLen, MaxMetadataValueLen = 255, 4095
	// MinPasswordLen and MaxPasswordLen bound a password (5.14.1 new_password, 5.2.1 metadata.admin_pass).
	MinPasswordLen, MaxPasswordLen = 8, 26
	// MaxKeypairNameLen is the longest keypair name accepted (5.30.2 is silent; see KeypairName).
	MaxKeypairNameLen = 64
	// MaxServerGroupNameLen is the longest server group name in bytes (5.16.1: > 0 and < 256 bytes).
	MaxServerGroupNameLen = 255
	// MinPostfix and MaxPostfix bound extendparam.postfix (5.2.1 table 5-17: [0001-9999]).
	MinPostfix, MaxPostfix = 1, 9999
)
