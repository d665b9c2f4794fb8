package rules

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// isNameRune reports whether r may appear in a server name or tag key:
// "Chinese characters, letters a-z A-Z, digits 0-9, underscore, hyphen"
// (5.2.1 name and tags, 5.2.6 name, 5.2.8 name). Chinese characters are read
// as the Unicode Han script; full-width punctuation is not Han and is refused.
func isNameRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// badRune returns the first rune of s that ok refuses, and whether there is one.
func badRune(s string, ok func(rune) bool) (rune, bool) {
	for _, r := range s {
		if r == utf8.RuneError || !ok(r) {
			return r, true
		}
	}
	return 0, false
}

// ServerName checks a create name (5.2.1 name): 1-64 characters of A-Z a-z
// 0-9 _ - and Chinese; 1-59 when count > 1, because the API appends a
// 5-character suffix ("-0001") to each member. Lengths count characters
// (runes), not bytes: the reference counts "字符".
func ServerName(name string, count int) error {
	limit := MaxServerNameLen
	if count > 1 {
		limit = MaxServerNameLenBatch
	}
	if err := nameChars("name", name); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(name); n > limit {
		if count > 1 {
			return fmt.Errorf("name %q is %d characters long; with count > 1 the limit is %d (the API appends a 5-character suffix such as -0001)", name, n, limit)
		}
		return fmt.Errorf("name %q is %d characters long; the limit is %d", name, n, limit)
	}
	return nil
}

// CreateName checks 5.2.1's name with its extendparam.postfix: with a
// postfix, len(postfix) + len(name) must not pass 64 (table 5-17), so the
// name takes 1-60 characters whatever the count; without one, ServerName's
// 64, or 59 when count > 1 (the automatic "-0000" marker).
func CreateName(name string, count int, postfix string) error {
	if postfix == "" {
		return ServerName(name, count)
	}
	if err := nameChars("name", name); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(name); n > MaxServerNameLenPostfix {
		return fmt.Errorf("name %q is %d characters long; with a postfix the limit is %d (postfix and name together at most %d)", name, n, MaxServerNameLenPostfix, MaxServerNameLen)
	}
	return nil
}

// RenameName checks a new name given to existing servers (5.2.6 name,
// 5.2.8 name): 1-64 characters of A-Z a-z 0-9 _ - and Chinese. A batch
// rename appends no suffix, so the 64-character limit holds for it too.
func RenameName(name string) error {
	return ServerName(name, 1)
}

// nameChars checks emptiness and the name character set.
func nameChars(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s is empty; it needs 1 to %d characters", what, MaxServerNameLen)
	}
	if r, bad := badRune(name, isNameRune); bad {
		return fmt.Errorf("%s %q has a character outside A-Z a-z 0-9 _ - and Chinese (%s)", what, name, describeRune(r))
	}
	return nil
}

// describeRune names a refused character so that invisible ones are visible.
func describeRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == utf8.RuneError:
		return "invalid UTF-8"
	case unicode.IsPrint(r):
		return strconv.QuoteRune(r)
	default:
		return fmt.Sprintf("U+%04X", r)
	}
}

// CreateCount checks the count of one create call (5.2.1 count: 1-1000).
func CreateCount(count int) error {
	if count < 1 || count > MaxCreateCount {
		return fmt.Errorf("count %d is outside 1..%d servers per create call", count, MaxCreateCount)
	}
	return nil
}

// Postfix checks extendparam.postfix (5.2.1 table 5-17): exactly four
// digits in the range 0001-9999, and postfix + count must not exceed 9999.
// An empty postfix means the field is absent and is accepted.
//
// The reference says "postfix + count must not exceed 9999" literally, so
// postfix 9000 with count 1000 is refused even though its last member would
// be 9999; the literal rule is the one implemented.
func Postfix(postfix string, count int) error {
	if postfix == "" {
		return nil
	}
	p, err := ParsePostfix(postfix)
	if err != nil {
		return err
	}
	if p+count > MaxPostfixPlusCount {
		return fmt.Errorf("postfix %s plus count %d is %d; the API allows at most %d", postfix, count, p+count, MaxPostfixPlusCount)
	}
	return nil
}

// ParsePostfix returns the number of a 4-digit postfix ("0001"-"9999").
func ParsePostfix(postfix string) (int, error) {
	if len(postfix) != 4 {
		return 0, fmt.Errorf("postfix %q must be exactly 4 digits, 0001 to 9999", postfix)
	}
	for i := 0; i < 4; i++ {
		if postfix[i] < '0' || postfix[i] > '9' {
			return 0, fmt.Errorf("postfix %q must be exactly 4 digits, 0001 to 9999", postfix)
		}
	}
	p, _ := strconv.Atoi(postfix)
	if p < MinPostfix {
		return 0, fmt.Errorf("postfix %q is below 0001; it must be 0001 to 9999", postfix)
	}
	return p, nil
}

// FormatPostfix renders a member number as the API's 4-digit suffix.
func FormatPostfix(n int) string {
	return fmt.Sprintf("%04d", n)
}

// Description checks a server description (5.2.6 description): 0-63
// characters, no '<' or '>'. 5.2.1 documents no limit for description at
// create; the 5.2.6 rule is applied there too so that a description
// accepted at create can be set again by a modify.
func Description(s string) error {
	if n := utf8.RuneCountInString(s); n > MaxDescriptionLen {
		return fmt.Errorf("description is %d characters long; the limit is %d", n, MaxDescriptionLen)
	}
	for _, r := range s {
		if r == '<' || r == '>' {
			return fmt.Errorf("description contains %q; the API refuses < and >", r)
		}
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("description is not valid UTF-8")
	}
	return nil
}
