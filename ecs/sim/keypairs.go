package sim

// SSH keypairs (5.30), the community (Nova) API, addressed by name. Nova's
// microversion rules decide the details the reference leaves open: with no
// microversion header the request is version 2.1, so create answers 200
// (which is what the production client expects, C10) and delete 202; from
// 2.2 on (the reference asks for 2.60) create answers 201, delete 204 and
// the key type is shown. A created keypair's private key is returned once
// and never stored.

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// maxMicroversion is the newest compute microversion the simulator serves
// (the reference asks for 2.60 on 5.16.7 and 5.30.2 and names none above).
var maxMicroversion = apiVersion{2, 60}

// apiVersion is a compute microversion; the zero value means "no header".
type apiVersion struct{ Major, Minor int }

func (v apiVersion) set() bool { return v.Major != 0 }

// atLeast reports v >= major.minor; no header counts as 2.1.
func (v apiVersion) atLeast(major, minor int) bool {
	if !v.set() {
		v = apiVersion{2, 1}
	}
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// microversion reads X-OpenStack-Nova-API-Version or OpenStack-API-Version
// ("compute 2.60"). A malformed value is 400; a version above
// maxMicroversion is 406, as Nova answers.
func microversion(c *Ctx) (apiVersion, error) {
	raw := strings.TrimSpace(c.R.Header.Get("X-OpenStack-Nova-API-Version"))
	if raw == "" {
		if o := strings.TrimSpace(c.R.Header.Get("OpenStack-API-Version")); o != "" {
			svc, ver, ok := strings.Cut(o, " ")
			if !ok || !strings.EqualFold(svc, "compute") {
				return apiVersion{}, BadRequest(fmt.Sprintf("OpenStack-API-Version %q is not of the form \"compute 2.N\"", o))
			}
			raw = strings.TrimSpace(ver)
		}
	}
	if raw == "" {
		return apiVersion{}, nil
	}
	if strings.EqualFold(raw, "latest") {
		return maxMicroversion, nil
	}
	a, b, ok := strings.Cut(raw, ".")
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || ma < 1 || mi < 0 {
		return apiVersion{}, BadRequest(fmt.Sprintf("microversion %q is not of the form 2.N", raw))
	}
	v := apiVersion{ma, mi}
	if v.Major != 2 || v.Minor < 1 || !maxMicroversion.atLeast(v.Major, v.Minor) {
		return apiVersion{}, Errf(http.StatusNotAcceptable, CodeInvalidParam, fmt.Sprintf(
			"microversion %s is not supported; the minimum is 2.1 and the maximum %d.%d", raw, maxMicroversion.Major, maxMicroversion.Minor))
	}
	return v, nil
}

// keypairBody is 5.30.2's request.
type keypairBody struct {
	Keypair *struct {
		Name      *string `json:"name"`
		PublicKey *string `json:"public_key"`
		Type      *string `json:"type"`
		UserID    *string `json:"user_id"`
	} `json:"keypair"`
}

// keypairUser is the user id shown as a keypair's owner: the project's
// configured user (keypairs belong to the caller).
func keypairUser(c *Ctx) string {
	if pc := c.s.projectConfig(c.ProjectID); pc != nil {
		return pc.User
	}
	return ""
}

// handleCreateKeypair is 5.30.2: import when public_key is given, else
// generate (ed25519 for type ssh, a self-signed certificate for x509).
func (s *Sim) handleCreateKeypair(c *Ctx) error {
	mv, err := microversion(c)
	if err != nil {
		return err
	}
	var req keypairBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	kp := req.Keypair
	if kp == nil {
		return BadRequest(`"keypair" is required`)
	}
	if kp.Name == nil {
		return BadRequest(`"keypair.name" is required`)
	}
	if err := rules.KeypairName(*kp.Name); err != nil {
		return BadRequest(err.Error())
	}
	typ := "ssh"
	if kp.Type != nil {
		if mv.set() && !mv.atLeast(2, 2) {
			return BadRequest(`"keypair.type" needs microversion 2.2 or later`)
		}
		if *kp.Type != "ssh" && *kp.Type != "x509" {
			return BadRequest(fmt.Sprintf("keypair type %q is not \"ssh\" or \"x509\"", *kp.Type))
		}
		typ = *kp.Type
	}
	if kp.UserID != nil && mv.set() && !mv.atLeast(2, 10) {
		return BadRequest(`"keypair.user_id" needs microversion 2.10 or later`)
	}
	if c.P.Keypairs[*kp.Name] != nil {
		return Errf(http.StatusConflict, CodeConflict, fmt.Sprintf("a keypair named %q already exists", *kp.Name))
	}
	if err := c.CheckQuota(Usage{KeyPairs: 1}); err != nil {
		return err
	}

	var key parsedPublicKey
	private := ""
	switch {
	case kp.PublicKey != nil && typ == "x509":
		key, err = parseX509PublicKey(*kp.PublicKey)
	case kp.PublicKey != nil:
		key, err = parseSSHPublicKey(*kp.PublicKey)
	default:
		var g generatedKey
		if typ == "x509" {
			g, err = generateX509Key(*kp.Name)
		} else {
			g, err = generateSSHKey(*kp.Name)
		}
		if err != nil {
			return Errf(http.StatusInternalServerError, CodeSystem, "generating the keypair failed")
		}
		key, private = g.parsedPublicKey, g.PrivateKey
	}
	if err != nil {
		return BadRequest(err.Error())
	}

	stored := &Keypair{Name: *kp.Name, PublicKey: key.PublicKey, Fingerprint: key.Fingerprint, Type: key.Type, Created: c.Now}
	c.P.Keypairs[stored.Name] = stored
	c.Dirty()

	out := map[string]any{
		"name":        stored.Name,
		"public_key":  stored.PublicKey,
		"fingerprint": stored.Fingerprint,
		"user_id":     keypairUser(c),
	}
	if mv.atLeast(2, 2) {
		out["type"] = stored.Type
	}
	if private != "" {
		out["private_key"] = private
	}
	status := http.StatusOK
	if mv.atLeast(2, 2) {
		status = http.StatusCreated
	}
	return c.JSON(status, map[string]any{"keypair": out})
}

// handleListKeypairs is 5.30.1: each element wrapped as {"keypair": {...}},
// the example's shape; sorted by name.
func (s *Sim) handleListKeypairs(c *Ctx) error {
	mv, err := microversion(c)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(c.P.Keypairs))
	for n := range c.P.Keypairs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]map[string]any, 0, len(names))
	for _, n := range names {
		k := c.P.Keypairs[n]
		e := map[string]any{"name": k.Name, "public_key": k.PublicKey, "fingerprint": k.Fingerprint}
		if mv.atLeast(2, 2) {
			e["type"] = keypairType(k)
		}
		out = append(out, map[string]any{"keypair": e})
	}
	return c.JSON(http.StatusOK, map[string]any{"keypairs": out})
}

func keypairByName(c *Ctx) (*Keypair, error) {
	name := c.R.PathValue("keypair_name")
	if k := c.P.Keypairs[name]; k != nil {
		return k, nil
	}
	return nil, Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("keypair %q does not exist", name))
}

// handleGetKeypair is 5.30.4. id is a number, as the example shows; it is
// derived from the name and creation time so it is stable.
func (s *Sim) handleGetKeypair(c *Ctx) error {
	mv, err := microversion(c)
	if err != nil {
		return err
	}
	k, err := keypairByName(c)
	if err != nil {
		return err
	}
	out := map[string]any{
		"created_at":  k.Created.UTC().Format("2006-01-02T15:04:05.000000"),
		"deleted":     false,
		"deleted_at":  nil,
		"fingerprint": k.Fingerprint,
		"id":          keypairNumericID(k),
		"name":        k.Name,
		"public_key":  k.PublicKey,
		"updated_at":  nil,
		"user_id":     keypairUser(c),
	}
	if mv.atLeast(2, 2) {
		out["type"] = keypairType(k)
	}
	return c.JSON(http.StatusOK, map[string]any{"keypair": out})
}

// handleDeleteKeypair is 5.30.3: 202 before microversion 2.2, 204 from it
// (both documented). Servers keep a deleted key's name, as in Nova.
func (s *Sim) handleDeleteKeypair(c *Ctx) error {
	mv, err := microversion(c)
	if err != nil {
		return err
	}
	k, err := keypairByName(c)
	if err != nil {
		return err
	}
	delete(c.P.Keypairs, k.Name)
	c.Dirty()
	if mv.atLeast(2, 2) {
		return c.NoContent(http.StatusNoContent)
	}
	return c.NoContent(http.StatusAccepted)
}

func keypairType(k *Keypair) string {
	if k.Type == "" {
		return "ssh"
	}
	return k.Type
}

func keypairNumericID(k *Keypair) int64 {
	return int64(hash64(0, "keypair", k.Name, k.Created.UnixNano())%1_000_000_000) + 1
}
