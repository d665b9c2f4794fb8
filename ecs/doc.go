// Package ecs is a typed client for the Huawei Cloud Stack (HCS) 8.3.0 Elastic
// Cloud Server API, written against the reference (the Chinese original is the
// authority) and the shapes real HCS returns (observed from Huawei's production clients; docs/api-notes.md).
//
// It is layered, bottom up, one concern per file:
//
//   - types (types_*.go, flex.go): request and response structs whose JSON
//     names are exactly the reference's. Responses decode tolerantly, because
//     the reference's tables and examples disagree (numbers as strings,
//     "image" as object or "", null arrays): FlexString, FlexInt, FlexBool,
//     FlexStringList, FlexMap and ImageRef absorb that once, so no call needs
//     ad-hoc decoding.
//   - transport and auth (client.go, retry.go, auth.go, config.go): one shared
//     http.Client with a tuned connection pool; an IAM token (fetched once,
//     refreshed before expiry by one goroutine while others wait, re-fetched
//     once after a 401) or AK/SK signing (package ecs/aksk, shared with the
//     simulator); retries that are safe by construction — a throttled request
//     was not processed and is retried for any method, a read is retried after
//     a 5xx or network failure, a write never is (it may have been applied; the
//     caller must look before it tries again).
//   - errors (errors.go): every documented error body shape decodes into one
//     *Error (status, code, message, request id), and Classify sorts failures
//     into Throttled, Transient and Permanent for the engine.
//   - jobs (jobs.go): asynchronous calls return a job id; WaitJob polls it
//     adaptively (first near the expected duration, then growing intervals)
//     and maps sub-jobs to per-server results; a FAIL job is a *JobError that
//     still carries the job.
//   - paging (servers.go): the native detail list pages by page number and
//     total count (ServersDetail, ListServersDetailAll); MarkerPages serves the
//     community lists that page by marker.
//   - calls (servers.go, catalog.go, nics_volumes.go, meta_tags.go, actions.go,
//     passwords_groups_keypairs.go): one method per API call on *Client, each
//     taking a context and naming its reference section.
//
// Secrets (passwords, secret keys, tokens, user data) never appear in errors
// or in the printed or logged form of Config, Client and the requests that
// carry them; an error answer that echoes the request has the request's
// secrets masked (redact.go).
package ecs
