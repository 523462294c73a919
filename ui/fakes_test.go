package ui

import (
	"context"
	"strings"
	"time"
)

// Goldens show clock times; pin the zone so they match on every machine.
func init() { time.Local = time.UTC }

type fakeDemo struct{}

func (fakeDemo) ApproveURL(context.Context, string) error         { return nil }
func (fakeDemo) ApproveDevice(context.Context, string) error      { return nil }
func (fakeDemo) SendSigned(context.Context, string, string) error { return nil }

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
