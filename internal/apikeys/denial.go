package apikeys

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// Plausible's messages for the refusals (its AuthorizePublicAPI plug), without its product name.
const (
	missingKeyMessage = "Missing API key. Please use a valid API key as a Bearer Token."
	invalidKeyMessage = "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested."
	rateLimitMessage  = "Too many API requests. Your API key is limited to %d requests per hour."
)

// denialBody is Plausible's error shape: {"error": "message"}.
type denialBody struct {
	Error string `json:"error"`
}

// WriteDenial answers a refusal of Guard.Check as Plausible does and returns true: 401 for an error
// matching ErrUnauthorized, 429 with Retry-After (whole seconds, rounded up) for a *RateLimitedError. It
// writes nothing and returns false for any other error (nil included), which the handler answers itself.
func WriteDenial(w http.ResponseWriter, err error) bool {
	var limited *RateLimitedError
	switch {
	case errors.As(err, &limited):
		seconds := max(1, int64(math.Ceil(limited.RetryAfter.Seconds())))
		w.Header().Set("Retry-After", strconv.FormatInt(seconds, 10))
		httpapi.WriteJSON(w, http.StatusTooManyRequests, denialBody{Error: fmt.Sprintf(rateLimitMessage, limited.Limit)})
	case errors.Is(err, ErrMissingKey):
		w.Header().Set("WWW-Authenticate", "Bearer")
		httpapi.WriteJSON(w, http.StatusUnauthorized, denialBody{Error: missingKeyMessage})
	case errors.Is(err, ErrUnauthorized):
		w.Header().Set("WWW-Authenticate", "Bearer")
		httpapi.WriteJSON(w, http.StatusUnauthorized, denialBody{Error: invalidKeyMessage})
	default:
		return false
	}
	return true
}
