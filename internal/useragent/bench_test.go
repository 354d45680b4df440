package useragent_test

import (
	"strconv"
	"testing"

	"github.com/analytics-pipeline/analytics/internal/useragent"
)

const benchAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"

// BenchmarkParseCold parses a user agent the cache has not seen each time (65,536
// distinct ones cycle through a cache of 4,096): a parse and a cache insert.
func BenchmarkParseCold(b *testing.B) {
	p := useragent.New()
	agents := make([]string, 1<<16)
	for i := range agents {
		agents[i] = benchAgent + " app/" + strconv.Itoa(i)
	}
	i := 0
	for b.Loop() {
		p.Parse(agents[i%len(agents)])
		i++
	}
}

// BenchmarkParseWarm parses the same user agent each time: a cache hit.
func BenchmarkParseWarm(b *testing.B) {
	p := useragent.New()
	p.Parse(benchAgent)
	for b.Loop() {
		p.Parse(benchAgent)
	}
}
