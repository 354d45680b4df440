package openapitest

import "github.com/getkin/kin-openapi/openapi3filter"

// kin-openapi decodes only the bodies of the media types it registers; GET /js/script.js answers
// text/javascript, which is text to the validator as text/plain is.
func init() {
	openapi3filter.RegisterBodyDecoder("text/javascript", openapi3filter.PlainBodyDecoder)
}
