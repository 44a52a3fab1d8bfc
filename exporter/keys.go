package exporter

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// sortedKeys orders custom field keys by name, numbers in numeric order: field_2 comes before
// field_10, and names (expect_time) sort among them by their text.
func sortedKeys(set map[string]bool) []string {
	return slices.SortedFunc(maps.Keys(set), compareKeys)
}

func compareKeys(a, b string) int {
	pa, na, oka := splitNumber(a)
	pb, nb, okb := splitNumber(b)
	if oka && okb && pa == pb {
		if c := cmp.Compare(na, nb); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

// splitNumber splits "field_12" into "field_" and 12.
func splitNumber(s string) (string, uint64, bool) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.ParseUint(s[i:], 10, 64)
	return s[:i], n, err == nil
}
