module github.com/lazygraph/lazygraph

go 1.26
