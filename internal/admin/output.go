package admin

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/analytics-pipeline/analytics/messaging"
)

// entryJSON is how a poisoned message is printed: the payload as text when it is valid UTF-8, otherwise
// in base64, as payload_encoding says.
type entryJSON struct {
	Offset          int64             `json:"offset"`
	UUID            string            `json:"uuid"`
	CreatedAt       time.Time         `json:"created_at"`
	Topic           string            `json:"topic"`
	Handler         string            `json:"handler"`
	Subscriber      string            `json:"subscriber"`
	Reason          string            `json:"reason"`
	Metadata        map[string]string `json:"metadata"`
	PayloadEncoding string            `json:"payload_encoding"`
	Payload         string            `json:"payload"`
}

func toEntryJSON(e messaging.PoisonEntry) entryJSON {
	out := entryJSON{
		Offset: e.Offset, UUID: e.UUID, CreatedAt: e.CreatedAt.UTC(), Topic: e.Topic, Handler: e.Handler,
		Subscriber: e.Subscriber, Reason: e.Reason, Metadata: e.Metadata,
		PayloadEncoding: "text", Payload: string(e.Payload),
	}
	if !utf8.Valid(e.Payload) {
		out.PayloadEncoding, out.Payload = "base64", base64.StdEncoding.EncodeToString(e.Payload)
	}
	return out
}

// writeJSON writes one entry as indented JSON.
func writeJSON(out io.Writer, entry messaging.PoisonEntry) error {
	encoder := json.NewEncoder(out)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(toEntryJSON(entry)); err != nil {
		return fmt.Errorf("write entry: %w", err)
	}
	return nil
}

// writeJSONLines writes one JSON object per item and line, as what (a plural noun) in its error.
func writeJSONLines[T any](out io.Writer, items []T, what string) error {
	encoder := json.NewEncoder(out)
	for _, item := range items {
		if err := encoder.Encode(item); err != nil {
			return fmt.Errorf("write %s: %w", what, err)
		}
	}
	return nil
}

// maxReasonWidth is how much of a reason the table shows; `poison show` prints all of it.
const maxReasonWidth = 80

// writeTable writes the entries as aligned columns, each reason cut to its first line.
func writeTable(out io.Writer, entries []messaging.PoisonEntry) error {
	if len(entries) == 0 {
		_, err := fmt.Fprintln(out, "the poison queue is empty")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OFFSET\tPOISONED AT\tUUID\tTOPIC\tHANDLER\tREASON")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Offset, e.CreatedAt.UTC().Format(time.RFC3339),
			e.UUID, e.Topic, e.Handler, shortReason(e.Reason))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func shortReason(reason string) string {
	reason, _, cut := strings.Cut(reason, "\n")
	if runes := []rune(reason); len(runes) > maxReasonWidth {
		reason, cut = string(runes[:maxReasonWidth]), true
	}
	reason = strings.ReplaceAll(strings.TrimSpace(reason), "\t", " ")
	if cut {
		reason += " …"
	}
	return reason
}
