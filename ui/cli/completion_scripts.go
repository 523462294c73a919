package cli

import (
	"fmt"
	"strings"
)

// The three writers below turn the commands' descriptions into scripts.
// Values are words with at most single spaces between them (describe
// checks), quoted for each shell where they have spaces; usage texts are
// quoted for each shell.

func writeBash(b *strings.Builder, cs []commandSpec) {
	names := func(pick func(commandSpec, flagSpec) bool) []string {
		var out []string
		for _, c := range cs {
			for _, f := range c.flags {
				if pick(c, f) {
					out = append(out, c.name+"/"+f.name)
				}
			}
		}
		return out
	}
	b.WriteString(`# bash completion for authplay, written by ` + "`authplay completion bash`" + ` from
# the flags its commands parse. Load it with: source <(authplay completion bash)

_authplay() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= flag= words= v
    local -a values=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
    ((COMP_CWORD > 1)) && cmd=${COMP_WORDS[1]}
    case $cmd in
`)
	var cmds []string
	for _, c := range cs[1:] {
		cmds = append(cmds, c.name)
	}
	fmt.Fprintf(b, "        %s) ;;\n        *) cmd= ;;\n    esac\n", strings.Join(cmds, "|"))
	b.WriteString(`    # A flag's value comes after "--flag" or "--flag=" (bash splits words at "=").
    if [[ $cur == = ]]; then
        flag=$prev cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        flag=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $prev == -* ]]; then
        flag=$prev
    fi
    flag=${flag#-}
    flag=${flag#-}
    case $cmd/$flag in
`)
	for _, c := range cs {
		for _, f := range c.flags {
			if len(f.values) > 0 {
				fmt.Fprintf(b, "        %s/%s) values=(%s) ;;\n", c.name, f.name, strings.Join(mapStrings(f.values, bashWord), " "))
			}
		}
	}
	arms := []struct {
		kind argKind
		body string
	}{
		{argFile, `compopt -o filenames 2>/dev/null; local IFS=$'\n'; COMPREPLY=($(compgen -f -- "$cur")); return 0`},
		{argDir, `compopt -o filenames 2>/dev/null; local IFS=$'\n'; COMPREPLY=($(compgen -d -- "$cur")); return 0`},
		{argEnv, `COMPREPLY=($(compgen -e -- "$cur")); return 0`},
	}
	for _, arm := range arms {
		if ns := names(func(_ commandSpec, f flagSpec) bool { return !f.boolean && len(f.values) == 0 && f.arg == arm.kind }); len(ns) > 0 {
			fmt.Fprintf(b, "        %s)\n            %s ;;\n", strings.Join(ns, "|"), arm.body)
		}
	}
	if ns := names(func(_ commandSpec, f flagSpec) bool { return !f.boolean && len(f.values) == 0 && f.arg == argAny }); len(ns) > 0 {
		fmt.Fprintf(b, "        %s)\n            COMPREPLY=(); return 0 ;; # a URL, an ID, a number: nothing to offer\n", strings.Join(ns, "|"))
	}
	b.WriteString(`    esac
    if ((${#values[@]})); then
        # A value may have spaces ("code id_token"): matched as typed,
        # offered escaped.
        for v in "${values[@]}"; do
            [[ $v == "${cur//\\/}"* ]] && COMPREPLY+=("$(printf '%q' "$v")")
        done
        return 0
    fi
    if [[ $cur == -* ]]; then
        case $cmd in
`)
	for _, c := range cs {
		var fl []string
		for _, f := range c.flags {
			fl = append(fl, "--"+f.name)
		}
		fmt.Fprintf(b, "            %q) words=%q ;;\n", c.name, strings.Join(fl, " "))
	}
	b.WriteString(`        esac
    else
        case $cmd in
`)
	fmt.Fprintf(b, "            \"\") ((COMP_CWORD == 1)) && words=%q ;;\n", strings.Join(cmds, " "))
	for _, c := range cs[1:] {
		if len(c.operands) > 0 {
			fmt.Fprintf(b, "            %s) ((COMP_CWORD == 2)) && words=%q ;;\n", c.name, strings.Join(c.operands, " "))
		}
	}
	b.WriteString(`        esac
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _authplay authplay
`)
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// bashWord quotes a value with spaces for a bash array.
func bashWord(v string) string {
	if strings.Contains(v, " ") {
		return "'" + v + "'"
	}
	return v
}

// zshExplain escapes text for an _arguments [explanation].
func zshExplain(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(s)
}

func zshFlags(b *strings.Builder, indent string, c commandSpec) {
	for _, f := range c.flags {
		spec := "--" + f.name
		if !f.boolean {
			spec += "="
		}
		spec += "[" + zshExplain(shortUsage(f.usage)) + "]"
		switch {
		case f.boolean:
		case len(f.values) > 0:
			spec += ":" + f.name + ":(" + strings.Join(mapStrings(f.values, func(v string) string { return strings.ReplaceAll(v, " ", `\ `) }), " ") + ")"
		case f.arg == argFile:
			spec += ":file:_files"
		case f.arg == argDir:
			spec += ":directory:_files -/"
		case f.arg == argEnv:
			spec += `:variable:_parameters -g "*export*"`
		default:
			spec += ":" + f.name + ": "
		}
		fmt.Fprintf(b, "%s%s \\\n", indent, shellQuote(spec))
	}
}

func writeZsh(b *strings.Builder, cs []commandSpec) {
	b.WriteString(`#compdef authplay
# zsh completion for authplay, written by ` + "`authplay completion zsh`" + ` from
# the flags its commands parse. Save it as _authplay in a directory of
# $fpath, or, after compinit, load it with: source <(authplay completion zsh)

_authplay() {
  local curcontext=$curcontext state state_descr line ret=1
  typeset -A opt_args
  _arguments -C \
`)
	zshFlags(b, "    ", cs[0])
	b.WriteString(`    '1: :->command' \
    '*:: :->argument' && ret=0
  case $state in
    command)
      local -a commands
      commands=(
`)
	for _, c := range cs[1:] {
		fmt.Fprintf(b, "        %s\n", shellQuote(c.name+":"+c.summary))
	}
	b.WriteString(`      )
      _describe -t commands 'authplay command' commands && ret=0
      ;;
    argument)
      curcontext=${curcontext%:*:*}:authplay-$words[1]:
      case $words[1] in
`)
	for _, c := range cs[1:] {
		fmt.Fprintf(b, "        %s)\n", c.name)
		if len(c.flags) == 0 && len(c.operands) == 0 {
			b.WriteString("          _message 'no arguments' ;;\n")
			continue
		}
		b.WriteString("          _arguments \\\n")
		zshFlags(b, "            ", c)
		if len(c.operands) > 0 {
			fmt.Fprintf(b, "            %s \\\n", shellQuote("1:"+c.name+":("+strings.Join(c.operands, " ")+")"))
		}
		b.WriteString("            && ret=0 ;;\n")
	}
	b.WriteString(`      esac
      ;;
  esac
  return ret
}

if [[ $funcstack[1] == _authplay ]]; then
  _authplay "$@"
else
  compdef _authplay authplay
fi
`)
}

// fishQuote puts s in single quotes for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// fishWord quotes a value with spaces for fish's -a list, which fish
// splits as it splits a command line.
func fishWord(v string) string {
	if strings.Contains(v, " ") {
		return `"` + v + `"`
	}
	return v
}

func writeFish(b *strings.Builder, cs []commandSpec) {
	b.WriteString(`# fish completion for authplay, written by ` + "`authplay completion fish`" + ` from
# the flags its commands parse. Save it as ~/.config/fish/completions/authplay.fish,
# or load it with: authplay completion fish | source

# __authplay_command_is says whether the line runs this command ("" for
# authplay itself: no command, or flags first).
function __authplay_command_is
    set -l words (commandline -opc)
    if test (count $words) -lt 2; or string match -q -- '-*' $words[2]
        test -z "$argv[1]"
    else
        test "$words[2]" = "$argv[1]"
    end
end

function __authplay_first_word
    test (count (commandline -opc)) -eq 1
end

complete -c authplay -f
`)
	for _, c := range cs[1:] {
		fmt.Fprintf(b, "complete -c authplay -n __authplay_first_word -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cs {
		cond := fishQuote("__authplay_command_is " + c.name)
		if c.name == "" {
			cond = fishQuote(`__authplay_command_is ""`)
		}
		for _, f := range c.flags {
			arg := ""
			switch {
			case f.boolean:
			case len(f.values) > 0:
				arg = " -x -a " + fishQuote(strings.Join(mapStrings(f.values, fishWord), " "))
			case f.arg == argFile:
				arg = " -r -F"
			case f.arg == argDir:
				arg = " -x -a '(__fish_complete_directories)'"
			case f.arg == argEnv:
				arg = " -x -a '(set --names --export)'"
			default:
				arg = " -x"
			}
			fmt.Fprintf(b, "complete -c authplay -n %s -l %s%s -d %s\n", cond, f.name, arg, fishQuote(shortUsage(f.usage)))
		}
		if len(c.operands) > 0 {
			fmt.Fprintf(b, "complete -c authplay -n %s -a %s\n", cond, fishQuote(strings.Join(c.operands, " ")))
		}
	}
}
