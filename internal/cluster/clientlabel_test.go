package cluster

import "testing"

// A client is named by the name it gave, else as "client", with its process and where it is when
// known.
func TestClientLabel(t *testing.T) {
	cases := []struct {
		name        string
		pid         int
		where, want string
	}{
		{"study on node7", 4242, "10.0.0.7:53110", "study on node7 (pid 4242, 10.0.0.7:53110)"},
		{"study", 4242, "this process", "study (pid 4242, this process)"},
		{"", 4242, "127.0.0.1:53110", "client (pid 4242, 127.0.0.1:53110)"},
		{"raw", 0, "127.0.0.1:53110", "raw (127.0.0.1:53110)"},
		{"", 0, "", "client"},
	}
	for _, c := range cases {
		if got := ClientLabel(c.name, c.pid, c.where); got != c.want {
			t.Errorf("ClientLabel(%q, %d, %q) = %q, want %q", c.name, c.pid, c.where, got, c.want)
		}
	}
}
