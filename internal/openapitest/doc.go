// Package openapitest is test tooling, never run in production: it checks the services' routers and the
// HTTP traffic of their test suites against the OpenAPI document of internal/openapi, so that the
// document cannot drift from the code.
//
// Handler wraps a service's handler in a test: every request it serves and every answer it gives must
// match the document, or the test fails. RequireRoutes checks that a router serves exactly the
// document's operations.
package openapitest
