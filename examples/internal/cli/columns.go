package cli

import (
	"slices"
	"strings"
)

// Columns splits a comma-separated list of column names given to flag, checking that no name is
// empty or repeated. An empty list gives nil.
func Columns(flag, list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	cols := strings.Split(list, ",")
	for i, c := range cols {
		cols[i] = strings.TrimSpace(c)
		if cols[i] == "" {
			return nil, Usagef("-%s %q: empty column name", flag, list)
		}
		if slices.Contains(cols[:i], cols[i]) {
			return nil, Usagef("-%s %q: column %q listed twice", flag, list, cols[i])
		}
	}
	return cols, nil
}
