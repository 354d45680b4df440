package openapitest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// RequireRoutes checks that routes, walked with chi.Walk, serve exactly the operations of service's
// document, each as "METHOD /path".
func RequireRoutes(t require.TestingT, s openapi.Service, routes chi.Routes) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	var served []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		served = append(served, method+" "+route)
		return nil
	})
	require.NoError(t, err)
	require.ElementsMatch(t, Operations(t, s), served, "chi routes (second list) against the OpenAPI document of %s (first list)", s)
}

// Operations returns the operations of service's document, each as "METHOD /path".
func Operations(t require.TestingT, s openapi.Service) []string {
	body, err := openapi.Document(s)
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	var ops []string
	for path, item := range doc.Paths {
		for key := range item {
			if m := strings.ToUpper(key); slices.Contains(httpMethods, m) {
				ops = append(ops, m+" "+path)
			}
		}
	}
	return ops
}

var httpMethods = []string{
	http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
	http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace,
}
