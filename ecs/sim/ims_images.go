package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// IMS image list view, outside the ECS reference. The Terraform HCS
// provider (v2.3.7) resolves image_name to an id, and after every read of a
// server shows the image's name, with the IMS API's GET /v2/cloudimages
// (ims/v2/cloudimages; no project in the path) filtered by name or id,
// limit=1.
//
// The view lists the simulator's image catalogue as public gold images in
// the public IMS API's shape. Nothing can be created or changed through it.
// Errors are in the IMS service's {"error":{"message","code"}} shape.

// CodeIMSInvalid answers a query the view does not support (400). The code
// is an assumption (IMS's generic invalid-parameter code).
const CodeIMSInvalid = "IMG.0001"

// imsMaxLimit is the largest page the public API allows.
const imsMaxLimit = 1000

// imsFields are the string filters the view supports, each matched exactly
// against the image view's field of the same name.
var imsFields = []string{"id", "name", "status", "visibility", "owner", "disk_format", "container_format",
	"__imagetype", "__isregistered", "__os_type", "__os_bit", "__platform", "__os_version", "virtual_env_type"}

// handleListCloudImages is GET /v2/cloudimages. Filters: every imsFields
// name, protected and __whole_image (true/false), limit (1-1000, default
// 1000 here: the catalogue is small) and marker. Anything else is 400.
func (s *Sim) handleListCloudImages(c *Ctx) error {
	q := c.R.URL.Query()
	known := map[string]bool{"limit": true, "marker": true, "protected": true, "__whole_image": true}
	for _, f := range imsFields {
		known[f] = true
	}
	for k, vs := range q {
		if !known[k] {
			return Errf(http.StatusBadRequest, CodeIMSInvalid, fmt.Sprintf("query parameter %q is not supported by this API", k))
		}
		if len(vs) > 1 {
			return Errf(http.StatusBadRequest, CodeIMSInvalid, fmt.Sprintf("query parameter %q is given more than once", k))
		}
	}
	limit := imsMaxLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > imsMaxLimit {
			return Errf(http.StatusBadRequest, CodeIMSInvalid, fmt.Sprintf("limit %q must be a whole number from 1 to %d", v, imsMaxLimit))
		}
		limit = n
	}
	for _, k := range []string{"protected", "__whole_image"} {
		if v := q.Get(k); v != "" && v != "true" && v != "false" {
			return Errf(http.StatusBadRequest, CodeIMSInvalid, fmt.Sprintf("%s %q must be true or false", k, v))
		}
	}
	var list []map[string]any
	for i := range c.Catalogue().Images {
		im := imsImageView(&c.Catalogue().Images[i])
		if imsMatches(q, im) {
			list = append(list, im)
		}
	}
	if m := q.Get("marker"); m != "" {
		at := -1
		for i, im := range list {
			if im["id"] == m {
				at = i
				break
			}
		}
		if at < 0 {
			return Errf(http.StatusBadRequest, CodeIMSInvalid, fmt.Sprintf("marker %q is not the id of a listed image", m))
		}
		list = list[at+1:]
	}
	body := map[string]any{}
	if len(list) > limit {
		list = list[:limit]
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set("marker", list[len(list)-1]["id"].(string))
		body["next"] = "/v2/cloudimages?" + next.Encode()
	}
	if list == nil {
		list = []map[string]any{}
	}
	body["images"] = list
	body["first"] = "/v2/cloudimages"
	body["schema"] = "/v2/schemas/images"
	return c.JSON(http.StatusOK, body)
}

// imsMatches applies the query's filters to an image view.
func imsMatches(q url.Values, im map[string]any) bool {
	for _, f := range imsFields {
		if v := q.Get(f); v != "" && fmt.Sprint(im[f]) != v {
			return false
		}
	}
	for _, k := range []string{"protected", "__whole_image"} {
		if v := q.Get(k); v != "" && fmt.Sprint(im[k]) != v {
			return false
		}
	}
	return true
}

// imsPlatform is the IMS __platform of a catalogue image: the first word of
// its name (CentOS, Ubuntu, EulerOS), Windows for every Windows image.
func imsPlatform(im *Image) string {
	if im.OSType == "Windows" {
		return "Windows"
	}
	if f := strings.Fields(im.Name); len(f) > 0 {
		return f[0]
	}
	return "Other"
}

// imsImageView is the public IMS image object of a catalogue image: a
// public, registered, active gold image.
func imsImageView(im *Image) map[string]any {
	const stamp = "2026-01-01T00:00:00Z"
	return map[string]any{
		"id": im.ID, "name": im.Name, "status": "active", "visibility": "public", "owner": "",
		"protected": true, "deleted": false, "tags": []string{},
		"container_format": "bare", "disk_format": "zvhd2", "min_disk": im.MinDisk, "min_ram": im.MinRAM,
		"size": 0, "virtual_size": 0, "checksum": "", "virtual_env_type": "FusionCompute",
		"file": "/v2/images/" + im.ID + "/file", "self": "/v2/images/" + im.ID, "schema": "/v2/schemas/image",
		"created_at": stamp, "updated_at": stamp,
		"__imagetype": "gold", "__isregistered": "true", "__whole_image": "false",
		"__os_type": im.OSType, "__os_bit": im.OSBit, "__os_version": im.Name, "__platform": imsPlatform(im),
		"__description": "", "__image_source_type": "uds", "__support_kvm": "true",
	}
}
