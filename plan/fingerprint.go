package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/spec"
)

// fingerprints records the live objects a plan was computed from, and the
// names it expects to be absent (what it creates).
func fingerprints(pl *planner) ([]Fingerprint, []string) {
	fps := snapshotFingerprints(pl.f, pl.snap)
	var absent []string
	adopted := map[string]bool{}
	for _, ms := range pl.members {
		for _, m := range ms {
			switch m.action {
			case Create:
				absent = append(absent, string(KindServer)+" "+m.name)
			case Adopt:
				adopted[m.live.ID] = true
			}
		}
	}
	// The servers the plan adopts: one that changed since (another fleet
	// took it, it was renamed or deleted) makes a saved plan stale.
	if len(adopted) > 0 {
		for i := range pl.snap.Others {
			if adopted[pl.snap.Others[i].ID] {
				fps = append(fps, serverFingerprint(&pl.snap.Others[i]))
			}
		}
		sortFingerprints(fps)
	}
	for _, list := range [][]objectChange{pl.objects.keypairs, pl.objects.groups, pl.objects.volumes} {
		for _, o := range list {
			if o.action == Create {
				absent = append(absent, string(o.kind)+" "+o.name)
			}
		}
	}
	sort.Strings(absent)
	return fps, absent
}

// snapshotFingerprints fingerprints every object of a snapshot that the
// fleet is concerned with.
func snapshotFingerprints(f *spec.Fleet, snap *Snapshot) []Fingerprint {
	var fps []Fingerprint
	for i := range snap.Servers {
		fps = append(fps, serverFingerprint(&snap.Servers[i]))
	}
	named := map[string]bool{}
	for _, k := range f.Keypairs {
		named[k.Name] = true
	}
	for _, kp := range snap.Keypairs {
		if named[kp.Name] {
			fps = append(fps, Fingerprint{Kind: KindKeypair, ID: kp.Name, Name: kp.Name,
				Attrs: map[string]string{"fingerprint": kp.Fingerprint}})
		}
	}
	groups := map[string]bool{}
	for _, g := range f.ServerGroups {
		groups[g.Name] = true
	}
	for _, g := range snap.Groups {
		if groups[g.Name] {
			fps = append(fps, Fingerprint{Kind: KindServerGroup, ID: g.ID, Name: g.Name,
				Attrs: map[string]string{"policies": strings.Join(g.Policies, ","), "members": shortHash(sorted(g.Members)...)}})
		}
	}
	volumes := map[string]bool{}
	for _, v := range f.Volumes {
		volumes[v.Name] = true
	}
	for i := range snap.Volumes {
		v := &snap.Volumes[i]
		// The fleet's volumes and those with a name it uses; not every
		// disk of the project.
		if !volumes[volumeName(v)] && v.Metadata[spec.OwnerTagKey] != f.Name {
			continue
		}
		fps = append(fps, Fingerprint{Kind: KindVolume, ID: v.ID, Name: volumeName(v),
			Attrs: map[string]string{"status": v.Status, "size": strconv.Itoa(int(v.Size)), "attachments": shortHash(attachmentIDs(v)...)}})
	}
	sortFingerprints(fps)
	return fps
}

func sortFingerprints(fps []Fingerprint) {
	sort.Slice(fps, func(i, j int) bool {
		if fps[i].Kind != fps[j].Kind {
			return fps[i].Kind < fps[j].Kind
		}
		return fps[i].ID < fps[j].ID
	})
}

// serverFingerprint keeps what the diff of a server looked at. Bulky
// attributes are short hashes; none is a secret (the list never shows one).
func serverFingerprint(s *ecs.Server) Fingerprint {
	var tags []string
	tags = append(tags, s.Tags...)
	var meta []string
	for k, v := range s.Metadata {
		if isPlatformMetadata(k) {
			continue // the diff never looks at them; the platform changes them (a resize does)
		}
		meta = append(meta, k+"="+v)
	}
	var nics []string
	for _, as := range s.Addresses {
		for _, a := range as {
			nics = append(nics, a.PortID+"/"+a.Addr)
		}
	}
	var vols []string
	for _, v := range s.VolumesAttached {
		vols = append(vols, v.ID)
	}
	return Fingerprint{Kind: KindServer, ID: s.ID, Name: s.Name, Attrs: map[string]string{
		"name":         s.Name,
		"status":       s.Status,
		"flavor":       s.Flavor.ID,
		"image":        s.Image.ID,
		"tags":         shortHash(sorted(tags)...),
		"metadata":     shortHash(sorted(meta)...),
		"nics":         shortHash(sorted(nics)...),
		"volumes":      shortHash(sorted(vols)...),
		"server_group": strings.Join(sorted(s.SchedulerHints.Group), ","),
	}}
}

func attachmentIDs(v *ecs.Volume) []string {
	var ids []string
	for _, a := range v.Attachments {
		if id, ok := a["server_id"].(string); ok {
			ids = append(ids, id)
		}
	}
	return sorted(ids)
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

// shortHash is 12 hex digits of SHA-256 over the values: enough to notice a
// change, not meant to hide anything (no secret is ever hashed here).
func shortHash(xs ...string) string {
	h := sha256.New()
	for _, x := range xs {
		h.Write([]byte(x))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// isPlatformMetadata reports whether a metadata key is one the platform
// writes (PlatformMetadataKeys, PlatformMetadataPrefixes).
func isPlatformMetadata(k string) bool {
	if PlatformMetadataKeys[k] {
		return true
	}
	for _, p := range PlatformMetadataPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
