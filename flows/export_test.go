package flows

import (
	"slices"
	"testing"
)

// UsePresetForTest adds p to the preset table for the rest of the test, so
// a test can speak about a preset before (or without) the real table. The
// table is shared by the whole package: only a test that does not run in
// parallel may call this, and top-level parallel tests start only after
// every sequential one has finished and restored the table.
func UsePresetForTest(t testing.TB, p Preset) {
	t.Helper()
	saved := presets
	presets = append(slices.Clip(presets), p)
	t.Cleanup(func() { presets = saved })
}

// RefreshWords exposes the sentence about refresh tokens that ends a code
// exchange, for the per-family test.
var RefreshWords = refreshWords

// KnownErrorCodes lists the codes the explainer has advice for, so the
// per-family table covers each.
var KnownErrorCodes = knownErrorCodes
