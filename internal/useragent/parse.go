// Package useragent tells a user agent's browser, operating system and device type, as Plausible shows
// them, with github.com/mileusna/useragent and a cache of the answers for the user agents that keep
// coming.
package useragent

import (
	"strings"
	"unicode/utf8"

	"github.com/mileusna/useragent"
)

// Device types.
const (
	Desktop = "Desktop"
	Mobile  = "Mobile"
	Tablet  = "Tablet"
)

// Agent is what a user agent tells; an empty field is unknown.
type Agent struct {
	Browser        string // "Chrome", "Safari", "Firefox", "Microsoft Edge", ...
	BrowserVersion string // major.minor: "131.0"
	OS             string // "Windows", "Mac", "iOS", "Android", "GNU/Linux", "Chrome OS", ...
	OSVersion      string // major.minor: "17.5", "14"
	Device         string // Desktop, Mobile or Tablet
}

// plausibleNames are the library's names that Plausible (whose parser is Matomo's device detector)
// spells differently, so that filters and dashboards written for Plausible find the same values.
var plausibleNames = map[string]string{
	useragent.MacOS:        "Mac",
	useragent.Linux:        "GNU/Linux",
	useragent.ChromeOS:     "Chrome OS",
	useragent.Edge:         "Microsoft Edge",
	useragent.MobileSafari: "Safari",
}

// parse reads s with the library and maps its answer to Agent.
func parse(s string) Agent {
	ua := useragent.Parse(s)
	a := Agent{
		Browser:        text(rename(ua.Name)),
		BrowserVersion: text(majorMinor(ua.Version)),
		OS:             text(rename(ua.OS)),
		OSVersion:      text(majorMinor(ua.OSVersion)),
	}
	switch {
	case ua.Tablet || (ua.OS == useragent.Android && !strings.Contains(s, "Mobile")):
		// Android tablets' browsers leave "Mobile" out of the user agent, as Google asks them to; the
		// library takes most of them for phones (its miss on 1,124 of Matomo's tablet fixtures).
		a.Device = Tablet
	case ua.Mobile:
		a.Device = Mobile
	case ua.Desktop:
		a.Device = Desktop
	}
	return a
}

// text makes a piece the library cut out of a user agent storable as Postgres text, whatever bytes the
// user agent held: valid UTF-8 (U+FFFD for the rest) without NUL characters.
func text(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func rename(name string) string {
	if n, ok := plausibleNames[name]; ok {
		return n
	}
	return name
}

// majorMinor returns the first two numbers of a version, as Plausible shows versions: "131.0.6778.85"
// -> "131.0", "14" -> "14". What does not start with a digit ("x86_64", the library's guess at some
// Linux versions) is no version.
func majorMinor(v string) string {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return ""
	}
	if i := strings.IndexByte(v, '.'); i >= 0 {
		if j := strings.IndexByte(v[i+1:], '.'); j >= 0 {
			return v[:i+1+j]
		}
	}
	return v
}
