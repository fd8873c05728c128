package dashboard

import "strings"

// taskLabel names a task for people, in the page's style: the function's display name where
// the key spells its registered name, and the rest of the key, which tells the function's tasks
// apart. A numbered key ("example.com/m/stats.init.func4-86", see graph.Task.Key) reads
// "stats.flaky-86"; a pure call's ("...-" and 32 hex digits) keeps the first 8 digits of its
// hash, then "…". A key of another form (given explicitly) is shown as it is: only the page's
// words change, never the key, which Failure.Key keeps whole.
func taskLabel(key, registered, display string) string {
	if registered == "" || display == "" {
		return key
	}
	suffix, ok := strings.CutPrefix(key, registered+"-")
	if !ok || suffix == "" {
		return key
	}
	if len(suffix) == 32 && isHex(suffix) {
		suffix = suffix[:8] + "…"
	}
	return display + "-" + suffix
}

func isHex(s string) bool {
	for k := 0; k < len(s); k++ {
		c := s[k]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
