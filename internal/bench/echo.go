package bench

import (
	"encoding/json"
	"net/http"
	"time"
)

// echoEvent is the event as the bare server decodes it.
type echoEvent struct {
	SiteID    string    `json:"site_id"`
	EventType string    `json:"event_type"`
	Path      string    `json:"path"`
	UserID    string    `json:"user_id"`
	Timestamp time.Time `json:"timestamp"`
}

// EchoHandler is the ceiling for POST /event: a bare net/http handler that decodes the event JSON and
// answers, with nothing behind it.
func EchoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e echoEvent
		if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
			http.Error(w, `{"error":["bad json"]}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"success":true}`))
	})
}
