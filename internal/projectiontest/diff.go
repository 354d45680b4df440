package projectiontest

import (
	"fmt"
	"slices"
	"strings"
)

// maxShown is how many differing rows Diff shows per table.
const maxShown = 5

// Diff describes how got differs from want, table by table: rows missing, rows unexpected and rows whose
// key matches but other columns differ, the first few of each table in key order, with column names.
// It is empty when they are equal.
func Diff(want, got Snapshot) string {
	var b strings.Builder
	for _, t := range Tables {
		w, g := want[t.Name], got[t.Name]
		var lines []string
		i, j := 0, 0
		for i < len(w) || j < len(g) {
			var c int
			switch {
			case i == len(w):
				c = 1
			case j == len(g):
				c = -1
			default:
				c = slices.Compare(w[i][:t.Key], g[j][:t.Key])
			}
			switch {
			case c < 0:
				lines = append(lines, "missing    "+describe(t, w[i], nil))
				i++
			case c > 0:
				lines = append(lines, "unexpected "+describe(t, g[j], nil))
				j++
			default:
				if !slices.Equal(w[i], g[j]) {
					lines = append(lines, "differs    "+describe(t, w[i], g[j]))
				}
				i++
				j++
			}
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s: %d rows differ (want %d rows, got %d)\n", t.Name, len(lines), len(w), len(g))
		for _, l := range lines[:min(len(lines), maxShown)] {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// describe writes a row as column=value pairs; with other, the columns that differ as want -> got.
func describe(t Table, row, other []string) string {
	parts := make([]string, 0, len(row))
	for k, c := range t.Columns {
		switch {
		case other == nil || k < t.Key:
			parts = append(parts, c+"="+row[k])
		case row[k] != other[k]:
			parts = append(parts, c+": want "+row[k]+" got "+other[k])
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Count is the number of rows of each table, for logs.
func (s Snapshot) Count() string {
	parts := make([]string, 0, len(Tables))
	for _, t := range Tables {
		parts = append(parts, fmt.Sprintf("%s=%d", t.Name, len(s[t.Name])))
	}
	return strings.Join(parts, " ")
}
