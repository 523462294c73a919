package cli

func runToken(args []string, stdio IO) int {
	return usageError(stdio, "token: not built yet")
}
