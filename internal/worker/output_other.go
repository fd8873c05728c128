//go:build !linux

package worker

import (
	"errors"
	"runtime"
)

// StartOutputCapture is not available on this system: tasks' output is not relayed.
func StartOutputCapture() (*OutputCapture, error) {
	return nil, errors.New("capturing the output of tasks is not supported on " + runtime.GOOS)
}

func (c *OutputCapture) drainLocked(byte) {}

// drainPendingLocked does nothing here.
func (c *OutputCapture) drainPendingLocked() {}

// Close does nothing here.
func (c *OutputCapture) Close() {}

// outputWatch is not available here.
type outputWatch struct{}

// watchFromThisThread does nothing here.
func (c *OutputCapture) watchFromThisThread() (stop func()) { return func() {} }

// pendingLocked does nothing here.
func (c *OutputCapture) pendingLocked() {}
