#!/usr/bin/env python3
"""Print the longest Rust functions (lines from `fn` to its closing brace).

Usage: scripts/fn-lengths.py [-n N] [PATH...]   (default: src crates, top 15)

A rough counter for refactoring work (issue #16): it skips string and char
literals and comments when matching braces, and skips test modules' helpers
only if you pass the paths you want.
"""
import os
import re
import sys

FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)")


def strip(text):
    """Blank out comments, strings and char literals, keep newlines."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    text = strip(open(path, encoding="utf-8").read())
    lines = text.split("\n")
    for no, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        depth, started = 0, False
        for end in range(no, len(lines)):
            seg = lines[end]
            if not started and ";" in seg and "{" not in seg:
                break  # a declaration without a body
            for ch in seg:
                if ch == "{":
                    depth += 1
                    started = True
                elif ch == "}":
                    depth -= 1
            if started and depth == 0:
                yield m.group(1), no + 1, end - no + 1
                break


def main(argv):
    top = 15
    if len(argv) >= 2 and argv[0] == "-n":
        top, argv = int(argv[1]), argv[2:]
    roots = argv or ["src", "crates"]
    found = []
    for root in roots:
        paths = [root] if root.endswith(".rs") else [
            os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".rs")]
        for p in paths:
            for name, line, length in functions(p):
                found.append((length, f"{p}:{line}", name))
    for length, where, name in sorted(found, reverse=True)[:top]:
        print(f"{length:5}  {name:32} {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
