package graph

import (
	"bytes"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
)

// anonymousName matches the symbol Go gives a function literal: "main.init.func3",
// "example.com/m/stats.run.func1.2".
var anonymousName = regexp.MustCompile(`\.func\d+(\.\d+)*$`)

// IsAnonymous reports whether name, a function's registered name, is the symbol Go made up for a
// function literal, which tells a reader little; [FunctionSpec.Name] (delayed.Name) gives such
// a function a name of its own.
func IsAnonymous(name string) bool { return anonymousName.MatchString(name) }

// wrapperLine matches a line assigning a wrapped function literal to a variable:
// "fit = delayed.Func1(func(...", "fit := delayed.Func2E[...](func(", "var fit = ...".
var wrapperLine = regexp.MustCompile(`^\s*(?:var\s+)?([A-Za-z_]\w*)\s*(?::=|=)\s*[\w.]+(?:\[[^\]]*\])?\(\s*func\b`)

// displayNames caches DisplayName by registered name: the source is read once per function.
var displayNames sync.Map

// DisplayName is a name for people to read: the registered name, except for a function
// literal (see [IsAnonymous]) assigned to a variable on the line where it starts, such as
// `fit = delayed.Func1(func(...`, when that source file can be read: then the package path and
// the variable ("main.fit" rather than "main.init.func3"). It is for progress, traces and
// pictures only; the registered name stays the function's identity.
func (f *Function) DisplayName() string {
	if f.pc == 0 || !IsAnonymous(f.name) {
		return f.name
	}
	if v, ok := displayNames.Load(f.name); ok {
		return v.(string)
	}
	name := readableName(f.pc, f.name)
	displayNames.Store(f.name, name)
	return name
}

// implPC is the entry of a function value, 0 when it is not a non-nil function.
func implPC(impl any) uintptr {
	v := reflect.ValueOf(impl)
	if !v.IsValid() || v.Kind() != reflect.Func || v.IsNil() {
		return 0
	}
	return v.Pointer()
}

func readableName(pc uintptr, name string) string {
	rf := runtime.FuncForPC(pc)
	if rf == nil {
		return name
	}
	file, line := rf.FileLine(rf.Entry())
	src, err := os.ReadFile(file)
	if err != nil {
		return name
	}
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return name
	}
	m := wrapperLine.FindSubmatch(lines[line-1])
	if m == nil {
		return name
	}
	return packagePath(name) + "." + string(m[1])
}

// packagePath is the package part of a symbol: "example.com/m/stats" of
// "example.com/m/stats.run.func1".
func packagePath(symbol string) string {
	slash := strings.LastIndexByte(symbol, '/')
	if dot := strings.IndexByte(symbol[slash+1:], '.'); dot >= 0 {
		return symbol[:slash+1+dot]
	}
	return symbol
}
