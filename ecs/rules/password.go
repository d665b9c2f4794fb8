package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// PasswordSpecials are the special characters a password may contain
// (5.14.1 new_password rule 2: "!@%-_=+[]:./?").
//
// 5.2.1 metadata.admin_pass lists a wider set (`~!@#$%^&*()-_=+|[{}];:'",<.>/?),
// but 5.14.1 forbids many of those (~ ` # & ^ , { } * ( ) ; " ' < > | \ $).
// A fleet's password is set at create and rotated with the batch reset of
// 5.14.1, so the allowed set is the intersection: the 5.14.1 list.
const PasswordSpecials = "!@%-_=+[]:./?"

// CreatePasswordSpecials are 5.2.1 metadata.admin_pass's specials
// (table 5-18: `~!@#$%^&*()-_=+|[{}];:'",<.>/?); the simulator's create
// takes them (PasswordWith). A fleet file keeps PasswordSpecials.
const CreatePasswordSpecials = "`~!@#$%^&*()-_=+|[{}];:'\",<.>/?"

// ResetPasswordSpecials are 5.14.2 new_password's specials
// (!@#&*$%-_=+[{}]:,./?), which the single-server reset takes.
const ResetPasswordSpecials = "!@#&*$%-_=+[{}]:,./?"

// passwordUsers are the management account names of 5.14.1 rules 5 and 6.
var passwordUsers = []string{"root", "administrator"}

// Password checks a server password (5.14.1 new_password, the stricter of
// it and 5.2.1 metadata.admin_pass):
//  1. 8 to 26 characters;
//  2. only A-Z a-z 0-9 and the specials !@%-_=+[]:./? (no space, no Chinese);
//  3. at least 3 of 4 classes: upper case, lower case, digit, special;
//  4. not containing "root" or "Administrator" or their reversals;
//  5. not containing 3 consecutive characters of "Administrator".
//
// The reference is silent on case for rules 4 and 5; they are applied
// ignoring case (the stricter reading: "ROOT" names the same account).
// Error messages never include the password or any part of it.
func Password(password string) error {
	return PasswordWith(password, PasswordSpecials)
}

// PasswordWith is Password with another section's special characters
// (CreatePasswordSpecials for 5.2.1, ResetPasswordSpecials for 5.14.2);
// the other rules are the same in every section.
func PasswordWith(password, specials string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen || n > MaxPasswordLen {
		return fmt.Errorf("password must be %d to %d characters long", MinPasswordLen, MaxPasswordLen)
	}
	var upper, lower, digit, special bool
	for _, r := range password {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case r < utf8.RuneSelf && strings.ContainsRune(specials, r):
			special = true
		default:
			return fmt.Errorf("password has a character that is not allowed; use only A-Z a-z 0-9 and %s", specials)
		}
	}
	classes := 0
	for _, c := range []bool{upper, lower, digit, special} {
		if c {
			classes++
		}
	}
	if classes < 3 {
		return fmt.Errorf("password must mix at least 3 of: upper case, lower case, digits, specials %s", specials)
	}
	lp := strings.ToLower(password)
	for _, u := range passwordUsers {
		if strings.Contains(lp, u) || strings.Contains(lp, reverse(u)) {
			return fmt.Errorf("password must not contain \"root\" or \"Administrator\" or either reversed")
		}
	}
	admin := passwordUsers[1]
	for i := 0; i+3 <= len(admin); i++ {
		if strings.Contains(lp, admin[i:i+3]) {
			return fmt.Errorf("password must not contain 3 consecutive characters of \"Administrator\" (such as \"min\" or \"tor\")")
		}
	}
	return nil
}

// reverse returns s reversed (ASCII only, which is all it is used for).
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
