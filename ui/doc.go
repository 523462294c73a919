// Package ui is authplay's terminal face: a Bubble Tea v2 program that
// steps through a profile, a flow, its parameters, the run and the token.
//
// # Shape
//
// One root model (App, app.go) owns the frame: the header, the help line
// (bubbles/help, only the keys that work now and fit), flashes, the ?
// overlay and the theme. Screens are its children and keep one contract
// (Screen, screen.go): Init, Update, View, SetSize and a help.KeyMap. The
// root routes window sizes and global keys itself and hands everything else
// to the screen on show; screens ask for another screen with a navigation
// message (messages.go), and every change of screen passes through goTo.
//
//	start ─ picker ─ form ─ run ─ inspect ─ lab
//	  │        ├─ guide        (registration guide)
//	  │        ├─ signatures   (Space's request signatures)
//	  │        └─ lab          (experiments that break a flow on purpose)
//	  └─ newprofile
//
// A list field (the scope) may open a picker over the form (offerpicker.go)
// of the values flows offers for it, each with its meaning.
//
// # No method is known here by name
//
// A method's form, its preview, its stepper and its registration steps all
// come from flows (flows.Spec, flows.Draft, Machine.Pending): a new method
// needs nothing in this package (what it adds to a token, such as an act
// claim, is drawn from the token, not from the method). The form is one row a field (fieldrows.go):
// huh was tried and left, for the reasons the file gives.
//
// # Side effects only in commands
//
// Deps (deps.go) is every door to the outside: the session store, HTTP and
// the loopback listener (flows.Env), the clipboard, the browser, files, key
// generation, the demo shortcut. Update and View never call one; commands
// do, and report back with a result that names the screen that asked for it
// (its id), so a late answer for a screen the person has left is dropped.
// The Update tests prove it with Deps that fail when called.
//
// # Credentials
//
// A run of a session owns its credentials: the secret typed in the form (or
// resolved from the profile's env: or file: reference) lives in the run
// screen's memory, goes with each step to store.Advance, and is handed to
// the inspector, whose actions (refresh, introspect, revoke, API calls) are
// steps of the same session. Nothing here writes a secret anywhere; a
// session resumed after a restart asks for it again.
package ui
