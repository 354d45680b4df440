// Package bots tells from a User-Agent header whether a request comes from a crawler, a headless
// browser or a monitoring tool, by the maintained list of monperrus/crawler-user-agents compiled into one
// automaton. Ingestion uses it to keep bots out of the views and users it counts.
package bots

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
)

// The list is crawler-user-agents.json of github.com/monperrus/crawler-user-agents, MIT licensed (its
// licence is LICENSE.crawler-user-agents beside it), copied unchanged from release v1.56.0, commit
// 7c7f9f254f16fcbc7d0fcb60d0a188897c00b050. To update it, replace the file with a newer release's and
// change ListVersion; the tests say whether every pattern still compiles and whether a pattern named
// below was renamed.
//
//go:embed crawler-user-agents.json
var listJSON []byte

// ListVersion is the release of crawler-user-agents that the embedded list comes from.
const ListVersion = "v1.56.0"

// entry is one element of the list: a regular expression (Go's syntax suits them) that matches the user
// agents of one crawler, with the list's tags. Its example user agents are left to the tests.
type entry struct {
	Pattern string   `json:"pattern"`
	Tags    []string `json:"tags"`
}

// httpLibraryTag marks the list's entries for HTTP client libraries and command-line tools.
const httpLibraryTag = "http-library"

// crawlerFrameworks are the list's http-library entries that are crawlers, scrapers or site copiers,
// which only fetch pages: their requests are bots. Every other http-library entry (curl, wget,
// python-requests, aiohttp, httpx, Go-http-client, okhttp, axios, node-fetch, Apache-HttpClient, HTTPie,
// Amazon CloudFront forwarding a request, ...) is what a backend posts its events with, and those
// events are its users', so they are counted.
var crawlerFrameworks = []string{
	`phpcrawl`, `HTTrack`, `SimpleCrawler`, `crawler4j`, `Scrapy`, `colly`, `larbin`, `GoParserBot`,
	`rawweb-bot`, `Download Ninja`, `trafilatura`, `newspaper\/`, `[mM]echanize`, `python-opengraph`,
}

// serverSide reports whether e matches what a server-side sender posts with rather than a bot.
func (e entry) serverSide() bool {
	return slices.Contains(e.Tags, httpLibraryTag) && !slices.Contains(crawlerFrameworks, e.Pattern)
}

// readList decodes the embedded list.
func readList() ([]entry, error) {
	var list []entry
	if err := json.Unmarshal(listJSON, &list); err != nil {
		return nil, fmt.Errorf("read the crawler list %s: %w", ListVersion, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("read the crawler list %s: no entries", ListVersion)
	}
	return list, nil
}
