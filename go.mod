module github.com/lazygraph/lazygraph

go 1.26

require (
	github.com/dominikbraun/graph v0.23.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	go.uber.org/zap v1.27.1 // indirect
)
