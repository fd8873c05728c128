package launch

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awkwardArgs are program arguments that break naive quoting.
var awkwardArgs = []string{
	"plain", "", "two words", "it's", `"double"`, `back\slash`, "$HOME", "${PATH}", "`id`", "$(id)",
	"a\nnew line", "tab\there", "*", "~", "~/x", "-leading-dash", "--", "semi;colon", "pipe|amp&",
	"<in >out", "#hash", "unicodé ✓", "!bang", "x=y", "'", "''", `\`, "trailing space ",
}

// shellRoundTrip runs "printf '%s\0' WORDS" through shell and returns the words it printed.
func shellRoundTrip(t *testing.T, shell, words string) []string {
	t.Helper()
	out, err := exec.Command(shell, "-c", `printf '%s\0' `+words).Output()
	if err != nil {
		t.Fatalf("%s -c: %v", shell, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestQuoteRoundTrips(t *testing.T) {
	for _, shell := range []string{"sh", "bash", "dash"} {
		if _, err := exec.LookPath(shell); err != nil {
			continue
		}
		got := shellRoundTrip(t, shell, QuoteCommand(awkwardArgs...))
		if !equalStrings(got, awkwardArgs) {
			t.Errorf("%s: quoted arguments came back as\n%q\nwant\n%q", shell, got, awkwardArgs)
		}
	}
}

func TestQuoteLeavesSafeWordsAlone(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/prog": "/usr/bin/prog",
		"A=b,c:d@e%f+g": "A=b,c:d@e%f+g",
		"":              "''",
		"a b":           "'a b'",
		"it's":          `'it'\''s'`,
		"~":             "'~'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// bashSyntaxCheck runs bash -n on script.
func bashSyntaxCheck(t *testing.T, script string) {
	t.Helper()
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bash -n: %v\n%s\nscript:\n%s", err, stderr.String(), script)
	}
}

// shellcheck runs shellcheck on script when it is installed.
func shellcheck(t *testing.T, script string) {
	t.Helper()
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck is not installed; skipping it")
		return
	}
	// SC2016: the single-quoted '$1' of the sh -c scripts is meant for that shell.
	cmd := exec.Command("shellcheck", "--shell=bash", "--exclude=SC2016", "-")
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

// wantProblems checks that err holds an OptionError for each option named in want, with a
// problem containing its text.
func wantProblems(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want problems with %v", want)
	}
	var all []*OptionError
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			var oe *OptionError
			if errors.As(e, &oe) {
				all = append(all, oe)
			}
		}
	}
	for option, text := range want {
		found := false
		for _, oe := range all {
			if oe.Option == option && strings.Contains(oe.Problem, text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem with %s mentioning %q in:\n%v", option, text, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "launch: ") {
		t.Errorf("error %q does not say where it comes from", err)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// writeExecutable writes an executable script into dir.
func writeExecutable(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
