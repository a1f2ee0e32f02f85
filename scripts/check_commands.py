#!/usr/bin/env python3
"""Checks that the project's shell scripts call only programs that a fresh
Debian 12 machine has after scripts/setup.sh: Debian's essential and required
packages (what a minimal debootstrap root holds), the packages listed in
scripts/packages.txt, and everything those depend on.

    check_commands.py [--path-dir DIR] [--root DIR] [SCRIPT...]

Without SCRIPT it checks every shell script git tracks (scripts/, bench/,
sample_models/, .ci/run, ...). Each command word of a script (the first word
of a simple command, also inside $(...), after exec/env/taskset/... and after
an array expansion such as "${sudo[@]}") must be a bash builtin or keyword, a
function defined in one of the checked scripts, a path into the project
(build/bin/axbnn, "$bin/x", anything with a variable), or a program of an
allowed package. Absolute paths (/usr/bin/python3) must belong to an allowed
package. A violation prints FILE:LINE: and the program, and the exit status
is 1. A script that installs a tool itself names it in a comment line
"# check_commands: installs NAME...".

--path-dir DIR fills DIR with links to exactly the allowed programs, so that
a script run with PATH=DIR fails on any other (scripts/test.sh does that).
"""

import argparse
import os
import re
import subprocess
import sys

BIN_DIRS = ("/usr/bin", "/usr/sbin", "/bin", "/sbin")
# Commands whose next word is itself a command, with the options that take a value.
PREFIX_COMMANDS = {
    "exec": set(),
    "command": set(),
    "builtin": set(),
    "nohup": set(),
    "time": set(),
    "nice": {"-n"},
    "env": {"-u", "-C", "-S"},
    "taskset": {"-c"},
    "timeout": {"-s", "-k"},
    "xargs": {"-n", "-P", "-d", "-I", "-L", "-s", "-a", "-E"},
    "sudo": {"-u", "-g"},
    "chroot": set(),
    "unshare": {"--propagation"},
    "setsid": set(),
}
KEYWORDS_BEFORE_COMMAND = {"if", "then", "else", "elif", "while", "until", "do", "!", "{", "time"}
KEYWORDS_AFTER_COMMAND = {"fi", "done", "esac", "}"}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
PUNCT = "();<>|&\n"
HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


# ---------------------------------------------------------------- allowed set

def bare_name(dep):
    return dep.strip().split(" ")[0].split(":")[0]


def allowed_packages(root):
    """Essential and required packages, packages.txt, and their dependencies,
    among the installed ones (alternatives: the first one installed)."""
    fields = "${Package}\t${Essential}\t${Priority}\t${Depends}\t${Pre-Depends}\t${Provides}\t${db:Status-Abbrev}\n"
    installed, provides, base = {}, {}, []
    for line in run(["dpkg-query", "-W", "-f=" + fields]).splitlines():
        pkg, essential, priority, depends, pre, prov, status = line.split("\t")
        if not status.startswith("ii"):
            continue
        installed[pkg] = [d for d in (depends + ", " + pre).split(",") if d.strip()]
        for p in prov.split(","):
            if p.strip():
                provides.setdefault(bare_name(p), []).append(pkg)
        if essential == "yes" or priority == "required":
            base.append(pkg)
    listed = []
    with open(os.path.join(root, "scripts", "packages.txt")) as f:
        for line in f:
            listed += line.split("#", 1)[0].split()
    missing = [p for p in listed if p not in installed]
    if missing:
        sys.exit(f"check_commands: scripts/packages.txt names packages that are not installed: "
                 f"{' '.join(missing)} (run scripts/setup.sh first)")

    def resolve(alternatives):
        for alt in alternatives.split("|"):
            name = bare_name(alt)
            if name in installed:
                return [name]
            if name in provides:
                return provides[name][:1]
        return []

    allowed, todo = set(), base + listed
    while todo:  # iterative: no recursion on the dependency depth
        pkg = todo.pop()
        if pkg in allowed:
            continue
        allowed.add(pkg)
        for dep in installed.get(pkg, []):
            todo += resolve(dep)
    return allowed


def allowed_programs(packages):
    """name -> real path of every program of `packages` in the binary
    directories, including links there (alternatives) that lead to one."""
    real_paths = set()
    listing = run(["dpkg-query", "-L", *sorted(packages)])
    for path in listing.splitlines():
        if os.path.dirname(path) in BIN_DIRS and os.path.isfile(path) and os.access(path, os.X_OK):
            real_paths.add(os.path.realpath(path))
    programs = {}
    for d in BIN_DIRS:
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            real = os.path.realpath(os.path.join(d, name))
            if real in real_paths:
                programs.setdefault(name, real)
    return programs, real_paths


# ---------------------------------------------------------------- the parser

def strip_heredocs(text):
    """Blanks the bodies of here-documents (they are data: Python, Verilog),
    keeping the line count."""
    out, ending = [], None
    for line in text.split("\n"):
        if ending is not None:
            out.append("")
            if (line.lstrip("\t") if ending[0] else line) == ending[1]:
                ending = None
            continue
        out.append(line)
        m = HEREDOC.search(line.replace("<<<", "   "))
        if m:
            ending = (m.group(1) == "-", m.group(3))
    return "\n".join(out)


def split_substitutions(text):
    """Returns (text with every $(...) and `...` replaced by a plain word,
    [(line, inner text)]), scanning quotes and nesting with an explicit
    stack."""
    out, inner, i, n, line = [], [], 0, len(text), 1
    quote = None
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        if quote == "'":
            quote = None if c == "'" else quote
            out.append(c)
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            out.append(text[i:i + 2])
            i += 2
            continue
        if c == "#" and quote is None and (i == 0 or text[i - 1] in " \t\n;|&()"):
            end = text.find("\n", i)  # a comment: quotes in it mean nothing
            end = n if end < 0 else end
            out.append(text[i:end])
            i = end
            continue
        if c == "'" and quote is None:
            quote = "'"
        elif c == '"':
            quote = None if quote == '"' else '"' if quote is None else quote
        if text.startswith("$(", i) or c == "`":
            arithmetic = text.startswith("$((", i)
            start = i + (1 if c == "`" else 2)
            end = find_closing(text, start, "`" if c == "`" else ")")
            if not arithmetic:
                inner.append((line, text[start:end]))
            line += text.count("\n", i, end)
            out.append("__subst__")
            i = end + 1
            continue
        out.append(c)
        i += 1
    return "".join(out), inner


def find_closing(text, i, closer):
    depth, quote, n = 0, None, len(text)
    while i < n:
        c = text[i]
        if quote == "'":
            if c == "'":
                quote = None
        elif c == "\\":
            i += 1
        elif c in "'\"" and (quote is None or quote == c):
            quote = None if quote == c else c
        elif closer == "`" and c == "`":
            return i
        elif quote is None and c == "(":
            depth += 1
        elif quote is None and c == ")":
            if depth == 0 and closer == ")":
                return i
            depth -= 1
        i += 1
    return n


def tokens(text):
    """Yields (word or operator, line): words with their quotes removed,
    runs of ();<>|& and newlines as operators, comments dropped,
    backslash-newline joined."""
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c in " \t\r":
            i += 1
        elif text.startswith("\\\n", i):
            i, line = i + 2, line + 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c == "\n":
            yield Op(c), line
            i, line = i + 1, line + 1
        elif c in PUNCT:
            start = i
            while i < n and text[i] in PUNCT and text[i] != "\n":
                i += 1
            yield Op(text[start:i]), line
        else:
            word, first, quote = [], line, None
            while i < n:
                c = text[i]
                if quote == "'":
                    if c == "'":
                        quote = None
                    else:
                        word.append(c)
                elif c == "\\" and i + 1 < n:
                    if text[i + 1] == "\n":
                        line += 1
                    elif quote is None or text[i + 1] in '"\\$`':
                        word.append(text[i + 1])
                    else:
                        word.append(c + text[i + 1])
                    i += 1
                elif quote == '"':
                    if c == '"':
                        quote = None
                    else:
                        word.append(c)
                elif c in "'\"":
                    quote = c
                elif c in " \t\r" or c in PUNCT:
                    break
                else:
                    word.append(c)
                line += c == "\n"
                i += 1
            yield "".join(word), first


class Op(str):
    """An operator token: a run of ();<>|& and newlines outside quotes."""


def is_punct(tok):
    return isinstance(tok, Op)


def is_redirect(tok):
    return is_punct(tok) and ("<" in tok or ">" in tok) and not any(c in tok for c in "();|\n")


def command_words(text, line_offset=0):
    """Yields (line, word, functions defined) for every command position."""
    text, subs = split_substitutions(strip_heredocs(text))
    for line, inner in subs:
        yield from command_words(inner, line_offset + line - 1)
    toks = list(tokens(text))
    i, at_command, prefix_options, in_case = 0, True, None, 0
    while i < len(toks):
        tok, line = toks[i]
        line += line_offset
        nxt = toks[i + 1][0] if i + 1 < len(toks) else None
        if is_redirect(tok):
            i += 2 if nxt is not None and not is_punct(nxt) else 1
            continue
        if is_punct(tok):
            if not (at_command == "pattern" and tok == "\n"):
                at_command = "pattern" if in_case and ";;" in tok else True
            prefix_options = None
            i += 1
            continue
        if not at_command:
            i += 1
            continue
        if at_command == "pattern" or (in_case and is_punct(nxt) and nxt.startswith(")")):
            if tok == "esac":
                in_case -= 1
                at_command = False
                i += 1
                continue
            # a case pattern: skip up to its ')'
            i = skip_to(toks, i, ")")
            i += 1
            at_command = True
            continue
        if prefix_options is not None and tok.startswith("-"):
            i += 2 if tok in prefix_options and "=" not in tok else 1
            continue
        if tok in KEYWORDS_BEFORE_COMMAND or ASSIGNMENT.match(tok):
            if ASSIGNMENT.match(tok) and is_punct(nxt) and nxt.startswith("("):
                i = i + 2 if nxt == "()" else skip_to(toks, i + 2, ")") + 1  # an array literal
                at_command = False
                continue
            i += 1
            continue
        if tok in KEYWORDS_AFTER_COMMAND:
            at_command = False
            i += 1
            continue
        if tok in ("declare", "local", "export", "readonly", "typeset"):
            i += 1
            while i < len(toks) and not (is_punct(toks[i][0]) and toks[i][0][0] != "("):
                i = skip_to(toks, i, ")") + 1 if is_punct(toks[i][0]) else i + 1
            at_command = False
            continue
        if tok in ("for", "select"):
            i = skip_to_separator(toks, i)
            continue
        if tok == "case":
            in_case += 1
            i = skip_to_word(toks, i, "in") + 1
            at_command = "pattern"
            continue
        if tok in ("[[", "(("):
            i = skip_to(toks, i, "]]" if tok == "[[" else "))") + 1
            at_command = False
            continue
        if tok == "function" or nxt == "()":
            name = toks[i + 1][0] if tok == "function" else tok
            yield line, None, name
            i += 2
            continue
        if "[@]" in tok and tok.startswith("${"):
            i += 1  # "${prefix[@]}" cmd: the array may be empty or a prefix
            continue
        yield line, tok, None
        if tok in PREFIX_COMMANDS:
            prefix_options = PREFIX_COMMANDS[tok]
            if tok == "taskset":  # taskset [-c] LIST cmd
                j = i + 1
                while j < len(toks) and toks[j][0].startswith("-"):
                    j += 1
                i = j + 1
                continue
            i += 1
            continue
        at_command, prefix_options = False, None
        i += 1


def skip_to(toks, i, closer):
    """The index of the next operator that starts with `closer` (")", "))"),
    or of the next word `closer` ("]]")."""
    op = closer[0] in PUNCT
    while i < len(toks):
        tok = toks[i][0]
        if (op and is_punct(tok) and tok.startswith(closer)) or (not op and not is_punct(tok) and tok == closer):
            return i
        i += 1
    return i


def skip_to_word(toks, i, word):
    while i < len(toks) and toks[i][0] != word:
        i += 1
    return i


def skip_to_separator(toks, i):
    while i < len(toks) and not (is_punct(toks[i][0]) and not is_redirect(toks[i][0])):
        i += 1
    return i


# ---------------------------------------------------------------- the check

def shell_scripts(root):
    """Every shell script of the tree, build folders and .git left out."""
    scripts = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith("build") and x not in (".git", "__pycache__"))
        for f in sorted(files):
            path = os.path.join(d, f)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                continue
            if f.endswith(".sh") or rel == os.path.join(".ci", "run"):
                scripts.append(rel)
                continue
            with open(path, "rb") as fh:
                first = fh.readline(80)
            if first.startswith(b"#!") and (b"bash" in first or first.rstrip().endswith(b"/sh")):
                scripts.append(rel)
    return scripts


def check(root, scripts, programs, real_paths):
    shell = set(run(["bash", "-c", "compgen -b; compgen -k"]).split())
    found, functions, installs = [], set(), {}
    for script in scripts:
        with open(os.path.join(root, script)) as f:
            text = f.read()
        # A script that installs a tool itself says so: "# check_commands: installs NAME..."
        installs[script] = set(w for m in re.finditer(r"^# check_commands: installs (.*)$", text, re.M)
                               for w in m.group(1).split())
        for line, word, function in command_words(text):
            if function:
                functions.add(function)
            else:
                found.append((script, line, word))
    # Functions of every project script count (run.sh calls what setup.sh defines).
    for script in shell_scripts(root):
        with open(os.path.join(root, script)) as f:
            functions.update(fn for _, _, fn in command_words(f.read()) if fn)
    problems = []
    for script, line, word in found:
        if word in shell or word in functions or word in installs[script] or word == "__subst__" or "$" in word:
            continue
        if word.startswith("/"):
            if os.path.realpath(word) not in real_paths:
                problems.append(f"{script}:{line}: {word} belongs to no package of scripts/packages.txt "
                                f"(nor their dependencies, nor Debian's essential set)")
            continue
        if "/" in word:  # a project path: build/bin/axbnn, tools/x.py
            continue
        if word not in programs:
            problems.append(f"{script}:{line}: '{word}' is installed by no package of scripts/packages.txt "
                            f"(nor their dependencies, nor Debian's essential set)")
    return problems


def fill_path_dir(directory, programs):
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    for name, real in programs.items():
        os.symlink(real, os.path.join(directory, name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scripts", nargs="*", help="scripts to check (default: every tracked shell script)")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        help="the project's root (default: this script's parent folder)")
    parser.add_argument("--path-dir", help="fill this folder with links to exactly the allowed programs")
    args = parser.parse_args()
    programs, real_paths = allowed_programs(allowed_packages(args.root))
    if args.path_dir:
        fill_path_dir(args.path_dir, programs)
    scripts = args.scripts or shell_scripts(args.root)
    problems = check(args.root, scripts, programs, real_paths)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"check_commands: {len(scripts)} scripts, {len(programs)} allowed programs, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
