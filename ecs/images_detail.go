package ecs

import (
	"context"
	"net/http"
)

// ListImagesDetail lists images with all their fields (5.4.2,
// GET /v2.1/{project_id}/images/detail), minDisk among them: the planner
// checks a fleet's root volume against it.
func (c *Client) ListImagesDetail(ctx context.Context) ([]Image, error) {
	var out ImagesResponse
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/images/detail"), out: &out}); err != nil {
		return nil, err
	}
	return out.Images, nil
}
