package sim

import (
	"encoding/json"
	"net/http"
)

// Error codes. The HCS 8.3.0 reference has no ECS error-code table (the only
// code it shows is Ecs.0310, NetworkNotFound); the simulator uses the public
// Huawei Cloud ECS code meanings where one exists, so a client can branch on
// them, and records each choice in docs/api-notes.md.
const (
	CodeRequestError   = "Ecs.0000"   // generic request error / injected sub-job failure
	CodeQuota          = "Ecs.0001"   // insufficient quota (instances, cores, ram ...)
	CodeSystem         = "Ecs.0002"   // system exception (5xx)
	CodeForbidden      = "Ecs.0003"   // no permission (tenant mismatch)
	CodeInvalidParam   = "Ecs.0005"   // invalid parameter (400)
	CodeImage          = "Ecs.0007"   // image attribute invalid (flavor/image mismatch)
	CodeFlavor         = "Ecs.0008"   // flavor invalid
	CodeSameFlavor     = "Ecs.0009"   // resize to the same flavor
	CodeIPUsed         = "Ecs.0010"   // private IP already used
	CodePassword       = "Ecs.0011"   // password complexity
	CodeNoIPs          = "Ecs.0012"   // subnet exhausted
	CodeServerNotFound = "Ecs.0114"   // server does not exist (404)
	CodeNotFound       = "Ecs.0113"   // other resource does not exist (404)
	CodeLocked         = "Ecs.0219"   // server locked (409)
	CodeState          = "Ecs.0220"   // operation not allowed in the server's state (409)
	CodeConflict       = "Ecs.0221"   // conflicting resource (409), e.g. duplicate keypair name
	CodeNetworkMissing = "Ecs.0310"   // network/subnet not found (the reference's own example)
	CodeAuth           = "APIGW.0301" // authentication failed (401)
	CodeThrottled      = "APIGW.0308" // request throttled (429)
	CodeMethod         = "APIGW.0101" // the path has no API for this method (405; an assumption)
)

// Style is the error body shape an endpoint answers with.
//
// The reference shows two: chapter 3's flat {"error_msg","error_code"} and
// chapter 5's nested {"error":{"message","code"}}. Chapter 5 is what every ECS
// example uses, so native /v1 and /v1.1 endpoints answer the nested shape.
// Community /v2 and /v2.1 endpoints are Nova-compatible and answer Nova's
// {"<kind>":{"message","code":<int>}} (itemNotFound, badRequest ...), which is
// what OpenStack clients decode. The API gateway (401, 429) answers chapter
// 3's flat shape, since those errors come from the gateway, not ECS.
type Style int

const (
	StyleNative    Style = iota // {"error":{"message","code":"Ecs.XXXX"}}
	StyleCommunity              // {"badRequest":{"message","code":400}}
	StyleGateway                // {"error_msg","error_code"}
	StyleVPC                    // {"code":"VPC.XXXX","message"} (VPC read views, vpc_views.go)
)

// APIError is an error a handler returns to be written in the route's style.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Errf builds an APIError. Messages must never contain a secret.
func Errf(status int, code, msg string) *APIError {
	return &APIError{Status: status, Code: code, Message: msg}
}

// BadRequest is the common 400 invalid-parameter error.
func BadRequest(msg string) *APIError { return Errf(http.StatusBadRequest, CodeInvalidParam, msg) }

// novaKind maps a status to the Nova error envelope key.
func novaKind(status int) string {
	switch status {
	case 400:
		return "badRequest"
	case 401:
		return "unauthorized"
	case 403:
		return "forbidden"
	case 404:
		return "itemNotFound"
	case 409:
		return "conflictingRequest"
	case 413:
		return "overLimit"
	case 415:
		return "badMediaType"
	case 429:
		return "overLimit"
	case 501:
		return "notImplemented"
	case 503:
		return "serviceUnavailable"
	}
	return "computeFault"
}

// writeError writes e in style st.
func writeError(w http.ResponseWriter, st Style, e *APIError) {
	var body any
	switch st {
	case StyleCommunity:
		body = map[string]any{novaKind(e.Status): map[string]any{"message": e.Message, "code": e.Status}}
	case StyleGateway:
		body = map[string]string{"error_msg": e.Message, "error_code": e.Code}
	case StyleVPC:
		body = map[string]string{"code": e.Code, "message": e.Message}
	default:
		body = map[string]any{"error": map[string]string{"message": e.Message, "code": e.Code}}
	}
	writeJSON(w, e.Status, body)
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}
