package ui

import (
	"strings"

	"github.com/mdp/qrterminal/v3"
)

// qrCode draws text as a QR code in half blocks (two modules a row), dark
// modules on the terminal's light foreground, as phone cameras expect.
func qrCode(text string) string {
	var b strings.Builder
	qrterminal.GenerateWithConfig(text, qrterminal.Config{
		Level: qrterminal.L, Writer: &b, HalfBlocks: true, QuietZone: 1,
		BlackChar: qrterminal.BLACK_BLACK, WhiteBlackChar: qrterminal.WHITE_BLACK,
		WhiteChar: qrterminal.WHITE_WHITE, BlackWhiteChar: qrterminal.BLACK_WHITE,
	})
	return strings.TrimRight(b.String(), "\n")
}
