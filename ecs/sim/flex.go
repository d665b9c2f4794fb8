package sim

import (
	"encoding/json"
	"reflect"
	"strconv"
)

// FlexBool is a JSON boolean that also accepts "true"/"false" strings: the
// 5.2.1 example sends "hw:passthrough": "true" although the table types it
// Boolean.
type FlexBool bool

// UnmarshalJSON accepts true, false, "true" and "false".
func (f *FlexBool) UnmarshalJSON(b []byte) error {
	var v bool
	if err := json.Unmarshal(b, &v); err == nil {
		*f = FlexBool(v)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if v, err := strconv.ParseBool(s); err == nil {
			*f = FlexBool(v)
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeOf(true)}
}
