package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// Change OS (5.26.1) and reinstall OS (5.26.2), Cloud-init images.
//
// Both need the server powered off, or its previous change/reinstall
// failed (5.26.1 constraint); adminpass and keyname are exclusive, and when
// both are empty metadata.user_data is required. The reference documents
// no answer body; like every other asynchronous ECS task the simulator
// answers 200 {"job_id"} (one sub-job, entities.server_id), which a client
// expecting no body ignores. The server keeps its power state (SHUTOFF):
// the reference is silent on powering on afterwards, and a reconciler
// should see no power change it did not ask for.

// OpChangeOS is the change/reinstall sub-job's op.
const OpChangeOS = "changeOS"

// xaOSFailPrefix marks Server.Fault after a failed change/reinstall, which
// re-opens the operation on an ERROR server.
const xaOSFailPrefix = "change/reinstall OS failed: "

type xaOSBody struct {
	AdminPass *string           `json:"adminpass"`
	KeyName   *string           `json:"keyname"`
	UserID    *string           `json:"userid"`
	ImageID   *string           `json:"imageid"`
	Metadata  map[string]string `json:"metadata"`
}

type xaChangeOSReq struct {
	OSChange *xaOSBody `json:"os-change"`
}

type xaReinstallReq struct {
	OSReinstall *xaOSBody `json:"os-reinstall"`
}

func xaStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// handleChangeOS serves 5.26.1 (reinstall=false) and 5.26.2 (reinstall=true).
func (s *Sim) handleChangeOS(reinstall bool) handlerFunc {
	return func(c *Ctx) error {
		var b *xaOSBody
		key := "os-change"
		if reinstall {
			key = "os-reinstall"
			var req xaReinstallReq
			if err := c.Decode(&req); err != nil {
				return err
			}
			b = req.OSReinstall
			if b != nil && b.ImageID != nil {
				return BadRequest("unknown field \"imageid\": reinstall keeps the server's image; use changeos to change it")
			}
		} else {
			var req xaChangeOSReq
			if err := c.Decode(&req); err != nil {
				return err
			}
			b = req.OSChange
		}
		if b == nil {
			return BadRequest(key + " is required")
		}
		srv, err := c.ServerForChange(c.R.PathValue("server_id"))
		if err != nil {
			return err
		}
		imageID := srv.ImageID
		if !reinstall {
			if xaStr(b.ImageID) == "" {
				return BadRequest("os-change.imageid is required")
			}
			img := c.Catalogue().Image(*b.ImageID)
			if img == nil {
				return Errf(http.StatusBadRequest, CodeImage, fmt.Sprintf("image %s does not exist", *b.ImageID))
			}
			imageID = img.ID
		}
		img := c.Catalogue().Image(imageID)
		if srv.TaskState != TaskNone || !(srv.Status == StatusShutoff ||
			(srv.Status == StatusError && strings.HasPrefix(srv.Fault, xaOSFailPrefix))) {
			return xaStateErr(http.StatusBadRequest, "server %s is %s; %s needs it powered off (SHUTOFF), or its previous change/reinstall failed", srv.ID, srv.Status, key)
		}
		var sys *Attach
		for i := range srv.Volumes {
			if srv.Volumes[i].BootIndex == 0 {
				sys = &srv.Volumes[i]
			}
		}
		if sys == nil {
			return xaStateErr(http.StatusBadRequest, "server %s has no system disk; its OS cannot be changed", srv.ID)
		}
		if v := c.P.Volumes[sys.VolumeID]; img != nil && v != nil && v.Size < img.MinDisk {
			return Errf(http.StatusBadRequest, CodeImage, fmt.Sprintf("image %s needs a %d GB system disk; server %s has %d GB", img.ID, img.MinDisk, srv.ID, v.Size))
		}
		pass, keyName := xaStr(b.AdminPass), xaStr(b.KeyName)
		ud, hasUD := b.Metadata["user_data"]
		if pass != "" && keyName != "" {
			return BadRequest(key + ": adminpass and keyname are mutually exclusive; give one")
		}
		if pass == "" && keyName == "" && ud == "" {
			return BadRequest(key + ": give adminpass or keyname, or metadata.user_data when both are empty")
		}
		if pass != "" {
			if err := rules.Password(pass); err != nil {
				return Errf(http.StatusBadRequest, CodePassword, key+".adminpass: "+err.Error())
			}
		}
		if keyName != "" && c.P.Keypairs[keyName] == nil {
			return BadRequest(fmt.Sprintf("%s.keyname: keypair %q does not exist", key, keyName))
		}
		var udHash string
		if hasUD && ud != "" {
			raw, err := base64.StdEncoding.DecodeString(ud)
			if err != nil {
				return BadRequest(key + ".metadata.user_data is not base64")
			}
			if err := rules.UserData(raw); err != nil {
				return BadRequest(key + ".metadata.user_data: " + err.Error())
			}
			sum := sha256.Sum256(raw)
			udHash = hex.EncodeToString(sum[:])
		}
		for k, v := range b.Metadata {
			if k == "user_data" {
				continue
			}
			if err := rules.MetadataKey(k); err != nil {
				return BadRequest(key + ".metadata: " + err.Error())
			}
			if err := rules.MetadataValue(v); err != nil {
				return BadRequest(key + ".metadata: " + err.Error())
			}
		}
		srv.TaskState = "rebuilding"
		jobType := "changeOS"
		if reinstall {
			jobType = "reinstallOS"
		}
		// The password is never stored: only that one was set.
		j := c.Submit(jobType, nil, []SubJobSpec{{Type: jobType, Op: OpChangeOS,
			Entities: map[string]string{"server_id": srv.ID},
			Params: map[string]string{"image_id": imageID, "key_name": keyName,
				"password_set": fmt.Sprint(pass != ""), "user_data_hash": udHash, "prior_status": srv.Status}}})
		return c.JSON(http.StatusOK, xaJobID(j))
	}
}

func init() {
	registerEffect(OpChangeOS, serverEffect(serverPhases{
		Success: func(srv *Server, sj *SubJob) {
			srv.ImageID = sj.Params["image_id"]
			srv.KeyName = sj.Params["key_name"]
			srv.AdminPasswordSet = sj.Params["password_set"] == "true"
			srv.UserDataHash = sj.Params["user_data_hash"]
			xaSetPower(srv, false)
			srv.Fault = ""
		},
		Fail: func(srv *Server, sj *SubJob) {
			srv.Status, srv.VMState = StatusError, "error"
			srv.Fault = xaOSFailPrefix + sj.FailReason
		},
	}))
}
