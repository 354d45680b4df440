package reporting

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"

	"github.com/go-chi/chi/v5"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// dashboardFiles are the dashboard's page and assets: plain HTML, CSS and JavaScript modules, no build
// step, nothing loaded from another host.
//
//go:embed dashboard
var dashboardFiles embed.FS

// dashboardCSP tells the browser to load and call nothing but reporting itself: the dashboard reads only
// POST /api/v2/query, on its own origin.
const dashboardCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// assetTypes are the content types of the dashboard's files, by extension.
var assetTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// dashboardAssets reads the embedded files once, keyed by their name in the dashboard folder. It panics
// on a file of an unknown type, which TestDashboardIsServed rules out.
func dashboardAssets() map[string]asset {
	entries, err := fs.ReadDir(dashboardFiles, "dashboard")
	if err != nil {
		panic(err)
	}
	assets := make(map[string]asset, len(entries))
	for _, e := range entries {
		body, err := fs.ReadFile(dashboardFiles, "dashboard/"+e.Name())
		if err != nil {
			panic(err)
		}
		ct, ok := assetTypes[path.Ext(e.Name())]
		if !ok {
			panic("dashboard: no content type for " + e.Name())
		}
		sum := sha256.Sum256(body)
		assets[e.Name()] = asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	}
	return assets
}

// serveAsset answers a with its ETag, to be revalidated on each use (no-cache), so that a new build's
// dashboard is never mixed with an old one's cached modules.
func serveAsset(w http.ResponseWriter, r *http.Request, a asset) {
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	_, _ = w.Write(a.body)
}

// dashboardPage answers GET /: the dashboard's page.
func (a *API) dashboardPage(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, a.assets["index.html"])
}

// dashboardAsset answers GET /dashboard/{file}: a script or style sheet of the dashboard.
func (a *API) dashboardAsset(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "file")
	asset, ok := a.assets[name]
	if !ok || name == "index.html" {
		httpapi.NotFound(w, r)
		return
	}
	serveAsset(w, r, asset)
}
