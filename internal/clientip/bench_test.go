package clientip_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/analytics-pipeline/analytics/internal/clientip"
)

// BenchmarkMiddleware measures what resolving costs a request behind two trusted proxies, the
// middleware's copy of the request included.
func BenchmarkMiddleware(b *testing.B) {
	var trusted clientip.Trusted
	if err := trusted.UnmarshalText([]byte(proxies)); err != nil {
		b.Fatal(err)
	}
	var got string
	handler := clientip.Middleware(trusted)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if a := clientip.From(r); a.Is4() {
			got = "v4"
		}
	}))
	req := httptest.NewRequest(http.MethodPost, "/event", nil)
	req.RemoteAddr = "10.0.0.1:443"
	req.Header.Set("X-Forwarded-For", "198.51.100.9, 10.1.1.1")
	b.ReportAllocs()
	for b.Loop() {
		handler.ServeHTTP(nil, req)
	}
	if got != "v4" {
		b.Fatal("no client address")
	}
}
