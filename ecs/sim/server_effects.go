package sim

// Effects of the core server operations. A create sub-job moves its server
// BUILD -> ACTIVE (or SHUTOFF when power_on was false) or ERROR; a delete
// sub-job removes the server (404 afterwards, C14) and frees its ports and,
// when asked, its volumes.

// Op names of the core sub-jobs (Config.Durations keys).
const (
	OpCreateServer = "createServer"
	OpDeleteServer = "deleteServer"
)

func init() {
	registerEffect(OpCreateServer, Effect{
		Start: func(p *ProjectState, sj *SubJob) error {
			if srv := p.Servers[sj.Entities["server_id"]]; srv != nil {
				srv.TaskState = TaskSpawning
			}
			return nil
		},
		Success: func(p *ProjectState, sj *SubJob) error {
			srv := p.Servers[sj.Entities["server_id"]]
			if srv == nil {
				// Deleted while it was being built: it never came up, so
				// its create sub-job fails (api-notes).
				return Errf(404, CodeServerNotFound, "server "+sj.Entities["server_id"]+" was deleted while it was being built")
			}
			srv.TaskState, srv.Progress = TaskNone, 100
			if srv.PowerOnAfterBuild {
				srv.Status, srv.VMState, srv.PowerState = StatusActive, "active", PowerRunning
			} else {
				srv.Status, srv.VMState, srv.PowerState = StatusShutoff, "stopped", PowerShutdown
			}
			srv.Updated = sj.EndAt
			for _, a := range srv.Volumes {
				if v := p.Volumes[a.VolumeID]; v != nil {
					v.Status = "in-use"
				}
			}
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			srv := p.Servers[sj.Entities["server_id"]]
			if srv == nil {
				return nil
			}
			srv.Status, srv.VMState, srv.TaskState, srv.PowerState = StatusError, "error", TaskNone, PowerNoState
			srv.Fault = sj.FailReason
			srv.Updated = sj.EndAt
			return nil
		},
	})
	registerEffect(OpDeleteServer, Effect{
		Start: func(p *ProjectState, sj *SubJob) error {
			if srv := p.Servers[sj.Entities["server_id"]]; srv != nil {
				srv.TaskState = TaskDeleting
			}
			return nil
		},
		Success: func(p *ProjectState, sj *SubJob) error {
			p.removeServer(sj.Entities["server_id"], sj.Params["delete_volume"] == "true")
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			if srv := p.Servers[sj.Entities["server_id"]]; srv != nil {
				srv.TaskState = TaskNone
				srv.Fault = sj.FailReason
			}
			return nil
		},
	})
}

// removeServer deletes a server and everything that only it owns: its
// ports' addresses, its server-group memberships, its system volume and,
// with deleteVolumes, its data volumes (otherwise they are detached and
// become available).
func (p *ProjectState) removeServer(id string, deleteVolumes bool) {
	srv := p.Servers[id]
	if srv == nil {
		return
	}
	for _, n := range srv.NICs {
		p.ReleaseIP(n.SubnetID, n.IP)
	}
	for _, a := range srv.Volumes {
		v := p.Volumes[a.VolumeID]
		if v == nil {
			continue
		}
		kept := v.Attachments[:0]
		for _, at := range v.Attachments {
			if at.ServerID != id {
				kept = append(kept, at)
			}
		}
		v.Attachments = kept
		if len(v.Attachments) == 0 {
			if a.BootIndex == 0 || deleteVolumes || a.DeleteOnTermination {
				delete(p.Volumes, v.ID)
			} else {
				v.Status = "available"
			}
		}
	}
	for _, gid := range srv.ServerGroups {
		if g := p.ServerGroups[gid]; g != nil {
			g.Members = removeString(g.Members, id)
		}
	}
	delete(p.Servers, id)
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
