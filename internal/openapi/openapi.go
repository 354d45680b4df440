// Package openapi holds the OpenAPI 3.1 document of every HTTP endpoint of the services, embedded in the
// binaries, and serves each service its part at GET /openapi.json.
//
// One document (openapi.json) describes the three services, so that what they share (the error shapes,
// /health, /metrics, the security scheme) is written once. Each operation is tagged with the services
// that serve it; a service's document is the operations tagged with its name, with every component.
// internal/openapitest checks the document against the routers and the traffic of the test suites.
package openapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

//go:embed openapi.json
var document []byte

// Service is the name of a service, as the document's tags spell it.
type Service string

// The services that serve HTTP.
const (
	Ingestion Service = "ingestion"
	Reporting Service = "reporting"
	Processor Service = "processor"
)

// Services lists every service the document describes.
var Services = []Service{Ingestion, Reporting, Processor}

// methods are the keys of a path item that are operations.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Source returns openapi.json as embedded: every operation, whichever services serve it.
func Source() []byte {
	return bytes.Clone(document)
}

// Document returns the document of service s: the operations tagged with s, the tags they carry but
// other services' names, and every component. An operation that no service's tag names yet (POST /api/v2/query until reporting
// serves it) is in Source only.
func Document(s Service) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(document, &doc); err != nil {
		return nil, fmt.Errorf("read the embedded openapi.json: %w", err)
	}
	paths, _ := doc["paths"].(map[string]any)
	used := map[any]bool{}
	for path, v := range paths {
		if keepOperations(v, s, used) == 0 {
			delete(paths, path)
		}
	}
	doc["tags"] = slices.DeleteFunc(anySlice(doc["tags"]), func(t any) bool {
		name, _ := t.(map[string]any)["name"].(string)
		other := name != string(s) && slices.Contains(Services, Service(name))
		return !used[name] || other
	})
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode the openapi document of %s: %w", s, err)
	}
	return append(b, '\n'), nil
}

// keepOperations deletes from the path item v the operations not tagged with s, records the tags of
// those it keeps in used, and returns how many it keeps.
func keepOperations(v any, s Service, used map[any]bool) int {
	item, _ := v.(map[string]any)
	kept := 0
	for _, m := range methods {
		op, ok := item[m].(map[string]any)
		if !ok {
			continue
		}
		tags := anySlice(op["tags"])
		if !slices.Contains(tags, any(string(s))) {
			delete(item, m)
			continue
		}
		for _, tag := range tags {
			used[tag] = true
		}
		kept++
	}
	return kept
}

func anySlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// Handler serves Document(s). It panics when the embedded document cannot be read, which the package's
// tests rule out.
func Handler(s Service) http.Handler {
	body, err := Document(s)
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		httpapi.WriteEncoded(w, http.StatusOK, body)
	})
}
