package queryoracle

import "testing"

// TestRoundIsClickHouses checks ties: ClickHouse's round of a Float64 takes a tie to the even neighbour.
func TestRoundIsClickHouses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		x      float64
		places int
		want   float64
	}{
		{name: "tie_to_even_down", x: 62.5, places: 0, want: 62},
		{name: "tie_to_even_up", x: 63.5, places: 0, want: 64},
		{name: "one_eighth_percent", x: 1.0 / 8 * 100, places: 0, want: 12},
		{name: "tenths", x: 2.0 / 3 * 100, places: 1, want: 66.7},
		{name: "hundredths", x: 7.0 / 4, places: 2, want: 1.75},
		{name: "one_fortieth_percent", x: 1.0 / 40 * 100, places: 0, want: 2},
		{name: "three_fortieths_percent", x: 3.0 / 40 * 100, places: 0, want: 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := round(tc.x, tc.places); got != tc.want {
				t.Fatalf("round(%v, %d) = %v, want %v", tc.x, tc.places, got, tc.want)
			}
		})
	}
}
