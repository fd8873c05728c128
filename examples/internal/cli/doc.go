// Package cli holds what the examples' command lines share: the flags that choose where tasks
// run, a line on standard error describing each computation, and exit statuses. It is plumbing;
// the examples' own files show how lazygraph is used.
package cli
