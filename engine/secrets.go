package engine

import (
	"encoding/base64"
	"fmt"

	"github.com/ecsfleet/ecsfleet/plan"
)

// opSecrets are what an op must send that the plan does not hold.
type opSecrets struct {
	password string
	userData string // base64, as 5.2.1 takes it
}

// secrets resolves an op's secrets from its set in the fleet file. Errors
// name the set and the reference, never a value.
func (e *Engine) secrets(op plan.Op) (opSecrets, error) {
	var out opSecrets
	needPass := op.Kind == plan.OpResetPasswords || (op.Kind == plan.OpCreateServers && op.Args.Create != nil && op.Args.Create.HasPassword)
	needUD := op.Kind == plan.OpCreateServers && op.Args.Create != nil && op.Args.Create.HasUserData
	if op.Kind == plan.OpChangeOS && op.Args.KeyName == "" {
		needPass = true
	}
	if !needPass && !needUD {
		return out, nil
	}
	if e.o.Fleet == nil {
		return out, fmt.Errorf("op %s (%s) needs the secrets of server set %q, but no fleet file was given to the engine", op.ID, op.Kind, op.Set)
	}
	s := e.o.Fleet.ServerSet(op.Set)
	if s == nil {
		return out, fmt.Errorf("op %s (%s) names server set %q, which the fleet file does not define: the plan was made from another file", op.ID, op.Kind, op.Set)
	}
	if needPass {
		if s.AdminPassword == nil {
			if op.Kind == plan.OpChangeOS {
				return out, nil // the cloud keeps the login as it is
			}
			return out, fmt.Errorf("server set %q: the plan sets an admin password but the fleet file has none", op.Set)
		}
		pw, err := s.AdminPassword.Resolve()
		if err != nil {
			return out, fmt.Errorf("server set %q: admin_password: %w", op.Set, err)
		}
		out.password = pw
	}
	if needUD {
		if s.UserData == nil {
			return out, fmt.Errorf("server set %q: the plan sends user data but the fleet file has none", op.Set)
		}
		out.userData = base64.StdEncoding.EncodeToString([]byte(s.UserData.Content))
	}
	return out, nil
}
