package main

import (
	"context"
)

// Terraform runs the real provider (see below); a stub until it is wired.
func (h *Harness) Terraform(ctx context.Context, dir string) error {
	return nil
}
