package ui

import (
	"errors"

	"github.com/authplay/authplay/flows"
)

// refusalNote tells a refusal the server showed on a page of its own (the
// demo approval's, or one a person copied from the browser) with its fix.
func refusalNote(err error, st flows.State) (string, bool) {
	page := flows.ParseRefusal(err.Error())
	if !errors.As(err, &page) && page == nil {
		return "", false
	}
	d := flows.Explain(page, st.ExplainContext(""))
	return "The server refused on its own page (" + page.Error() + "). " + d.Fix, true
}
