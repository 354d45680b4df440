package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// validator checks exchanges against one service's document, loaded and validated as OpenAPI 3.1 by
// kin-openapi, whose openapi3filter validates 3.1 schemas with a JSON Schema 2020-12 validator.
type validator struct {
	doc    *openapi3.T
	router routers.Router
}

// validators loads each service's document once per test binary: loading takes milliseconds and a
// suite wraps hundreds of servers. A loaded document and its router are only read afterwards.
var validators = func() map[openapi.Service]func() (*validator, error) {
	m := map[openapi.Service]func() (*validator, error){}
	for _, s := range openapi.Services {
		m[s] = sync.OnceValues(func() (*validator, error) { return load(s) })
	}
	return m
}()

func load(s openapi.Service) (*validator, error) {
	body, err := openapi.Document(s)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(body)
	if err != nil {
		return nil, fmt.Errorf("load the openapi document of %s: %w", s, err)
	}
	if !doc.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("the openapi document of %s is %s, not 3.1", s, doc.OpenAPI)
	}
	router, err := legacy.NewRouter(doc) // validates the document first
	if err != nil {
		return nil, fmt.Errorf("the openapi document of %s: %w", s, err)
	}
	return &validator{doc: doc, router: router}, nil
}

// options are the validation options: an undocumented status fails, and a bearer credential must at
// least have the scheme's shape (whether the key is good is the service's to say, with a 401).
var options = &openapi3filter.Options{
	IncludeResponseStatus: true,
	AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		token, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(token) == "" {
			return errors.New("no Authorization: Bearer credential")
		}
		return nil
	},
}

// check validates one exchange: r, of which the handler read reqBody, answered status with header and
// body. A request the document refuses must have been answered 4xx; an answer must match the document
// whatever the request; a request on a route the document lacks must have been answered 404 (405 for
// a documented path with another method) in the seed's error shape, as the routers' NotFound and
// MethodNotAllowed answer.
func (v *validator) check(r *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	ctx := context.Background()
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	if req.Header.Get("Content-Type") == "" && len(reqBody) > 0 {
		req.Header.Set("Content-Type", "application/json") // the services read a body without a type as JSON
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return v.checkUnrouted(err, status, body)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: options}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && (status < 400 || status > 499) {
		return fmt.Errorf("the document refuses the request, yet it was answered %d: %w", status, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: options}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("the answer does not match the document: %w", err)
	}
	return nil
}

// checkUnrouted checks the answer to a request the document has no operation for.
func (v *validator) checkUnrouted(routeErr error, status int, body []byte) error {
	want := http.StatusNotFound
	var re *routers.RouteError
	if errors.As(routeErr, &re) && re.Reason == routers.ErrMethodNotAllowed.Error() {
		want = http.StatusMethodNotAllowed
	}
	if status != want {
		return fmt.Errorf("no operation of the document (%v), yet it was answered %d, not %d", routeErr, status, want)
	}
	schema := v.doc.Components.Schemas["SeedError"]
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return fmt.Errorf("the %d answer is not JSON: %w", status, err)
	}
	if err := schema.Value.VisitJSON(value, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("the %d answer is not the seed's error shape: %w", status, err)
	}
	return nil
}
