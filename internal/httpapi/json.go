// Package httpapi holds what the ingestion and reporting HTTP services share: JSON responses in the
// seed's error shape, liveness and readiness handlers, and serving with graceful shutdown.
package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"unicode/utf8"
)

// ErrorBody is the seed's error shape: {"error": ["message", ...]}.
type ErrorBody struct {
	Error []string `json:"error"`
}

// WriteJSON answers status with v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}

// EncodeJSON returns v as WriteJSON would write it, for WriteEncoded.
func EncodeJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteEncoded answers status with body, JSON that EncodeJSON returned.
func WriteEncoded(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		slog.Debug("write response", "err", err)
	}
}

// WriteError answers status with the messages in the seed's error shape.
func WriteError(w http.ResponseWriter, status int, messages ...string) {
	WriteJSON(w, status, ErrorBody{Error: messages})
}

// NotFound answers every unknown route with a JSON 404.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, http.StatusNotFound, "no route for "+clip(r.Method)+" "+clip(r.URL.Path))
}

// MethodNotAllowed answers a known route called with the wrong method with a JSON 405.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	WriteError(w, http.StatusMethodNotAllowed, "method "+clip(r.Method)+" not allowed on "+clip(r.URL.Path))
}

// echoMax bounds what an error answer repeats of the request (a method, a path), so that a long URL
// does not make a long answer.
const echoMax = 200

// clip returns s, or its first echoMax bytes (not cutting a character) and "…" when it is longer.
func clip(s string) string {
	if len(s) <= echoMax {
		return s
	}
	cut := echoMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
