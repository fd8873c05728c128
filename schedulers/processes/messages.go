package processes

import "github.com/lazygraph/lazygraph/internal/worker"

// encodeMessage, appendMessage and decodeMessage are the worker protocol's frame bodies
// (worker.AppendMessage): decoded batches and results share the body's memory, and frame bodies
// are never reused.
func encodeMessage(msg any) ([]byte, error) { return worker.EncodeMessage(msg) }

func appendMessage(dst []byte, msg any) ([]byte, error) { return worker.AppendMessage(dst, msg) }

func decodeMessage(body []byte, msg any) error { return worker.DecodeMessage(body, msg) }
