package consentproxy

import (
	"errors"
	"fmt"
)

// Error codes. Handlers return them and exactly one place (web.ErrorHandler)
// turns them into HTTP statuses, so a handler cannot leak an internal error to a
// client by accident: anything that is not an *Error is EINTERNAL.
const (
	EINVALID   = "invalid"           // malformed input → 400
	ETOOLARGE  = "too_large"         // a size limit was exceeded → 413
	EHEADERS   = "headers_too_large" // oversized request headers → 431
	ENOTFOUND  = "not_found"         // unknown path → 404
	EMETHOD    = "method"            // method not allowed → 405
	EFORBIDDEN = "forbidden"         // not on an allowlist (ids, origins, hosts) → 403
	EUNAUTH    = "unauthorized"      // missing or wrong credentials → 401
	ERATELIMIT = "rate_limited"      // too many requests → 429
	EUNAVAIL   = "unavailable"       // a dependency is not ready → 503
	EENCODED   = "encoded_body"      // a Content-Encoding on a request body → 415
	EINTERNAL  = "internal"          // a bug or an unexpected failure → 500
)

// Error is an application error whose Message is safe to show to the client.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a client-safe formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: its *Error message, or
// a generic text that reveals nothing about the failure.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
