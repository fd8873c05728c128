package dashboard

import "testing"

// A failed task is named by its function's display name and what tells it from the function's
// other tasks; a key that does not spell its function is shown whole.
func TestTaskLabel(t *testing.T) {
	const registered = "github.com/lazygraph/lazygraph/internal/dashboard_test.init.func4"
	cases := []struct {
		name, key, registered, display, want string
	}{
		{"numbered", registered + "-86", registered, "dashboard_test.flaky", "dashboard_test.flaky-86"},
		{"pure", registered + "-0123456789abcdef0123456789abcdef", registered, "dashboard_test.flaky",
			"dashboard_test.flaky-01234567…"},
		{"named function", "example.com/m/stats.Fit-7", "example.com/m/stats.Fit", "stats.Fit", "stats.Fit-7"},
		{"explicit key", "fold/3", registered, "dashboard_test.flaky", "fold/3"},
		{"another function's prefix", registered + "0-5", registered, "dashboard_test.flaky", registered + "0-5"},
		{"nothing after the dash", registered + "-", registered, "dashboard_test.flaky", registered + "-"},
		{"function unknown", registered + "-86", "", "", registered + "-86"},
		{"no key", "", registered, "dashboard_test.flaky", ""},
	}
	for _, c := range cases {
		if got := taskLabel(c.key, c.registered, c.display); got != c.want {
			t.Errorf("%s: taskLabel(%q, %q, %q) = %q, want %q", c.name, c.key, c.registered, c.display, got, c.want)
		}
	}
}
