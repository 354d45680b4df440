package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Row is one line of the benchmark's table.
type Row struct {
	Figure   string
	Measured string
	Against  string // the ceiling or the target it is compared with
	Ratio    string
	Met      bool
}

// Print writes the table.
func Print(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\tceiling or target\tratio\tmet")
	for _, r := range rows {
		met := "no"
		if r.Met {
			met = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Figure, r.Measured, r.Against, r.Ratio, met)
	}
	tw.Flush()
}

func perSecond(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM/s", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk/s", v/1e3)
	}
	return fmt.Sprintf("%.0f/s", v)
}
