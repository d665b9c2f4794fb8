package rules

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// TagKey checks a server tag key as create (5.2.1) takes it: 1-36
// characters of A-Z a-z 0-9 _ - and Chinese. The tag endpoints
// (5.13.1/5.13.2) take more (ActionTagKey); a fleet file's tags follow this
// rule because they are given at create.
func TagKey(key string) error {
	if key == "" {
		return fmt.Errorf("tag key is empty; it needs 1 to %d characters", MaxTagKeyLen)
	}
	if r, bad := badRune(key, isNameRune); bad {
		return fmt.Errorf("tag key %q has a character outside A-Z a-z 0-9 _ - and Chinese (%s)", key, describeRune(r))
	}
	if n := utf8.RuneCountInString(key); n > MaxTagKeyLen {
		return fmt.Errorf("tag key %q is %d characters long; the limit is %d", key, n, MaxTagKeyLen)
	}
	return nil
}

// TagValue checks a server tag value (5.2.1 tags): 0-43 characters of
// A-Z a-z 0-9 _ - . and Chinese. An empty value is allowed (5.13.1 value:
// minLength 0); the create form is then "key.".
func TagValue(value string) error {
	if r, bad := badRune(value, func(r rune) bool { return r == '.' || isNameRune(r) }); bad {
		return fmt.Errorf("tag value %q has a character outside A-Z a-z 0-9 _ - . and Chinese (%s)", value, describeRune(r))
	}
	if n := utf8.RuneCountInString(value); n > MaxTagValueLen {
		return fmt.Errorf("tag value %q is %d characters long; the limit is %d", value, n, MaxTagValueLen)
	}
	return nil
}

// ActionTagKey checks a tag key as the tag endpoints take it (5.13.1,
// 5.13.2 tags_action key): 1-255 characters, no character set named, so a
// tag other tools write on real servers (env:prod, app.tier) is accepted.
func ActionTagKey(key string) error {
	if key == "" {
		return fmt.Errorf("tag key is empty; it needs 1 to %d characters", MaxActionTagLen)
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("tag key is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(key); n > MaxActionTagLen {
		return fmt.Errorf("tag key is %d characters long; the limit is %d", n, MaxActionTagLen)
	}
	return nil
}

// ActionTagValue checks a tag value as the tag endpoints take it (5.13.1,
// 5.13.2 tags_action value): 0-255 characters, no character set named.
func ActionTagValue(value string) error {
	if !utf8.ValidString(value) {
		return fmt.Errorf("tag value is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(value); n > MaxActionTagLen {
		return fmt.Errorf("tag value is %d characters long; the limit is %d", n, MaxActionTagLen)
	}
	return nil
}

// Tags checks a server's whole tag set: at most 10 tags (5.2.1, 5.13.1,
// 5.13.2) and each key and value. Keys are checked in sorted order so the
// reported error is deterministic.
func Tags(tags map[string]string) error {
	if len(tags) > MaxTagsPerServer {
		return fmt.Errorf("%d tags on one server; the limit is %d", len(tags), MaxTagsPerServer)
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := TagKey(k); err != nil {
			return err
		}
		if err := TagValue(tags[k]); err != nil {
			return fmt.Errorf("tag %q: %w", k, err)
		}
	}
	return nil
}

// MetadataKey checks a server metadata key (5.9.1 metadata-self-define
// key, used by 5.9.4 and the other metadata calls): 1-255 characters of
// A-Z a-z 0-9 - _ : and '.'.
func MetadataKey(key string) error {
	if key == "" {
		return fmt.Errorf("metadata key is empty; it needs 1 to %d characters", MaxMetadataKeyLen)
	}
	ok := func(r rune) bool {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return true
		}
		return r == '-' || r == '_' || r == ':' || r == '.'
	}
	if r, bad := badRune(key, ok); bad {
		return fmt.Errorf("metadata key %q has a character outside A-Z a-z 0-9 - _ : . (%s)", key, describeRune(r))
	}
	if n := utf8.RuneCountInString(key); n > MaxMetadataKeyLen {
		return fmt.Errorf("metadata key is %d characters long; the limit is %d", n, MaxMetadataKeyLen)
	}
	return nil
}

// MetadataValue checks a server metadata value (5.9.1 value): at most
// 4095 Unicode characters; any character is allowed. The value is not
// echoed, since metadata may carry configuration an operator treats as
// private.
func MetadataValue(value string) error {
	if !utf8.ValidString(value) {
		return fmt.Errorf("metadata value is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(value); n > MaxMetadataValueLen {
		return fmt.Errorf("metadata value is %d characters long; the limit is %d", n, MaxMetadataValueLen)
	}
	return nil
}
