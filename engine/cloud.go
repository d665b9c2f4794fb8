package engine

import (
	"context"

	"github.com/ecsfleet/ecsfleet/ecs"
)

// Cloud is every call the engine makes. *ecs.Client implements it.
type Cloud interface {
	// Reads: jobs, the servers the engine touched, and the fleet by its
	// ownership mark when an outcome is ambiguous.
	GetJob(ctx context.Context, jobID string) (*ecs.Job, error)
	GetServer(ctx context.Context, serverID string, expectFields ...string) (*ecs.Server, error)
	ListServersDetail(ctx context.Context, opts ecs.ListServersOptions) (*ecs.ListServersResponse, error)
	ListKeypairs(ctx context.Context) ([]ecs.Keypair, error)
	ListServerGroups(ctx context.Context) ([]ecs.ServerGroup, error)
	ListVolumes(ctx context.Context, detail bool) ([]ecs.Volume, error)

	// Writes, one per op kind (plan/ops.go names the endpoints).
	CreateKeypair(ctx context.Context, name, publicKey string) (*ecs.Keypair, error)
	DeleteKeypair(ctx context.Context, name string) error
	CreateServerGroup(ctx context.Context, name string, policies []string) (*ecs.ServerGroup, error)
	DeleteServerGroup(ctx context.Context, groupID string) error
	CreateVolume(ctx context.Context, v ecs.CreateVolume) (*ecs.Volume, error)
	DeleteVolume(ctx context.Context, volumeID string) error
	CreateServers(ctx context.Context, req *ecs.CreateServersRequest) (*ecs.JobResponse, error)
	DeleteServers(ctx context.Context, req *ecs.DeleteServersRequest) (*ecs.JobResponse, error)
	RenameServers(ctx context.Context, req *ecs.RenameServersRequest) ([]string, error)
	ModifyServer(ctx context.Context, serverID string, m ecs.ModifyServer) (*ecs.Server, error)
	ResizeServers(ctx context.Context, items []ecs.BatchResizeItem) (*ecs.JobResponse, error)
	LiveResizeServers(ctx context.Context, items []ecs.BatchResizeItem) (*ecs.JobResponse, error)
	ChangeServerOS(ctx context.Context, serverID string, spec ecs.ChangeOS) (*ecs.JobResponse, error)
	ResetPasswords(ctx context.Context, req *ecs.ResetPasswordsRequest) ([]string, error)
	AddTags(ctx context.Context, serverID string, tags []ecs.Tag) error
	DeleteTags(ctx context.Context, serverID string, tags []ecs.Tag) error
	UpdateMetadata(ctx context.Context, serverID string, md map[string]string) (map[string]string, error)
	DeleteMetadataKey(ctx context.Context, serverID, key string) error
	AddNICs(ctx context.Context, serverID string, nics []ecs.AddNIC) (*ecs.JobResponse, error)
	DeleteNICs(ctx context.Context, serverID string, portIDs []string) (*ecs.JobResponse, error)
	AttachSharedVolume(ctx context.Context, volumeID string, servers []ecs.ServerInfo) (*ecs.JobResponse, error)
	DetachVolume(ctx context.Context, serverID, volumeID string, force bool) (*ecs.JobResponse, error)
	AddServerGroupMember(ctx context.Context, groupID, serverID string) error
	RemoveServerGroupMember(ctx context.Context, groupID, serverID string) error
	StartServer(ctx context.Context, serverID string) error
	StopServer(ctx context.Context, serverID, stopType string) error
}

var _ Cloud = (*ecs.Client)(nil)
