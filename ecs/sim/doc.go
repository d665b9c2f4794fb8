// Package sim is a faithful, strict simulator of the Huawei Cloud Stack
// 8.3.0 ECS API: a real HTTP server (not a mock) with the reference's paths,
// field names, status codes, error shapes, per-call limits, value rules
// (package ecs/rules), quotas, server statuses and asynchronous jobs.
//
// It is the embedded default cloud of the CLI (`ecsfleet sim serve`), the
// substrate of every integration test and the cloud of every benchmark, so
// its cloud model is explicit and configurable in one place (Config): a
// scaled clock, per-request latency, a per-project API throttle, backend
// capacity C (at most C sub-jobs run at once per project), per-operation
// durations with seeded jitter, and seeded fault injection. The same seed
// and the same requests give the same run.
//
// It has its own wire types and does not import package ecs (the client),
// so a wrong field name in one is caught by the other.
//
// # Request pipeline
//
// Every API route goes through Sim.serve: stats, latency, fault injection,
// body read, authentication (IAM token or AK/SK), tenant check (the path's
// {tenant_id} must be the caller's project, else 403 Ecs.0003), throttle,
// then the state lock: the state is reloaded if another process changed the
// state file, the caller's project's jobs are advanced to the simulated
// "now", the handler runs, and the state is saved if it changed.
//
// # Adding an endpoint
//
//  1. Route: add a row to the route table (routes.go) with the reference
//     section, the kind and the pattern:
//     {"5.7.1", native, "POST /v1/{tenant_id}/cloudservers/{server_id}/nics", s.handleAddNICs}
//     A native row answers errors {"error":{"message","code":"Ecs.XXXX"}};
//     a community row gives the path after the tenant, is registered under
//     both /v2/{tenant_id} and /v2.1/{tenant_id} and answers Nova-style
//     errors ({"itemNotFound":{"message","code":404}}). Patterns use Go's
//     ServeMux syntax; read wildcards with c.R.PathValue("server_id"). Two
//     rows that can match one path with neither more specific make ServeMux
//     panic at start-up (every test catches it); paths without a tenant
//     (/v2.1/servers/...) are tenantless rows. One pattern serves one
//     method; a shared "action" path is dispatched on the body's single
//     top-level key (server_actions.go). TestRouteTableNamesTheReference
//     checks the row against the reference's examples.
//  2. Auth and tenant check are done before your handler runs; c.ProjectID
//     and c.P (*ProjectState) are the caller's.
//  3. Decoding: define a request struct with the reference's JSON names and
//     call `if err := c.Decode(&req); err != nil { return err }`. Unknown
//     fields and wrong types become 400 Ecs.0005. Use FlexString where real
//     clients send a number for a documented string (C5). Then check every
//     value rule with package ecs/rules and return BadRequest(err.Error()).
//  4. Errors: return an *APIError (Errf(status, code, msg), BadRequest(msg));
//     it is written in the route's style. Codes are the constants in
//     errors.go (Ecs.0005 invalid parameter, Ecs.0001 quota, Ecs.0114 server
//     not found, Ecs.0219 locked, Ecs.0220 wrong state ...). Messages are
//     short English sentences naming the limit, and never contain a secret.
//  5. State: the handler runs under the one state lock; read and change c.P
//     directly (c.P.Servers, c.P.Volumes, c.P.Keypairs, c.P.ServerGroups)
//     and call c.Dirty() after any change so it is persisted. Do not keep
//     pointers into the state after the handler returns, and do not start
//     goroutines. Look servers up with c.Server(id) (404) or, before a
//     change, c.ServerForChange(id) (404, locked 409, being deleted 409);
//     c.RequireStatus(srv, StatusShutoff) refuses wrong states with 409.
//     The catalogue (flavors, images, subnets, security groups, volume
//     types, AZs) is c.Catalogue(); lookups take an id or a name.
//     Never store a secret: set Server.AdminPasswordSet, keep hashes only.
//  6. Jobs: build []SubJobSpec{{Type: "addNic", Op: "addNic", Entities:
//     map[string]string{"server_id": id, "nic_id": port}, Params: ...}} and
//     call j := c.Submit("addNicsForServer", nil, specs); answer
//     {"job_id": j.ID}. What the op does is an Effect registered once from
//     an init func in your file: registerEffect("addNic", Effect{Start:
//     ..., Success: ..., Fail: ...}). Effects get the project and the sub-job
//     (its Entities and Params, strings only; JSON-encode structured
//     values) and run when simulated time reaches the sub-job's start/end,
//     lazily, before the next request. Durations come from
//     Config.Durations[op]: give your op a default in DefaultConfig
//     (TestDefaultDurationsCoverEveryOp fails otherwise). An op on one
//     server can use serverEffect(serverPhases{...}), which does the
//     lookup, task_state reset and Updated stamps. Apply "in progress" state
//     (e.g. task_state, volume "attaching") in the handler or Start, the
//     final state in Success, the rollback in Fail.
//  7. Quotas: c.CheckQuota(Usage{Instances: n, Cores: ..., RAM: ...})
//     returns 400 Ecs.0001 when a limit would be exceeded; usage is derived
//     from state (ProjectState.Usage), so there is nothing to decrement.
//  8. IPs: c.NewNIC(subnetIDOrName) allocates a port with the next free
//     address of the subnet's CIDR; p.ReleaseIP(subnetID, ip) frees it.
//     IDs: c.NewUUID() (servers, ports, volumes, groups), c.NewHexID()
//     (jobs); both are deterministic from the seed.
//  9. Tests: in your own _test.go files use the helpers of
//     helpers_test.go: ts := newTestSim(t, func(c *Config){...});
//     st, body := ts.do("POST", "/v1/"+ts.pid+"/...", req) (authenticated,
//     real HTTP); ts.waitJob(jobID) steps the manual clock until the job
//     ends and returns its final body; ts.createServers(n, tweak) gives you
//     ACTIVE servers to work on. Test each rule broken with the documented
//     status and error code.
//
// # Persistence
//
// With Config.StateFile set, the state is one JSON file shared by
// processes: each request takes an exclusive flock on "<file>.lock",
// reloads the file when it changed, and saves it after a mutation by
// writing a temp file, fsyncing and renaming it.
//
// # Admin
//
// /_sim/stats (GET) and /_sim/stats/reset (POST) expose call statistics;
// /_sim/history (GET, ?project=ID) and /_sim/history/reset (POST) the
// server status history kept with Config.RecordHistory (history.go). They
// answer loopback callers, or others carrying X-Sim-Admin-Token equal to
// Config.AdminToken. They are not part of the HCS API.
package sim
