#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the code pointers of markdown pages (docs/walkthrough.md) against the code.

A pointer is written `path:line` followed by the symbol it points at, in backticks inside
parentheses:

    `rtl/ingress_arb.sv:233` (`ev_kind_d`)

(white space, line breaks included, may separate the two). `path` is relative to the
repository root. A pointer is good when the file exists and the symbol occurs on a line
within +-TOLERANCE (10) lines of `line`; an occurrence is the symbol as written, not inside a
longer identifier (`cpl` does not match `cpl_c`).

Every bad pointer is printed with the line where the symbol actually is (its nearest
occurrence); the exit status is 1 if any pointer is bad (or a page has none at all), else 0.
Pointers that pass but are not on their symbol's line are counted in a note.

--fix rewrites the line number of every pointer that is not on its symbol's line to the
nearest occurrence (so after rtl/ edits shift the code, `--fix` brings the page back); it
fails only for pointers whose file or symbol no longer exists, which need a person.

usage: check-pointers.py [--root DIR] [--fix] PAGE.md [PAGE.md ...]
       (DIR: the directory the paths are relative to; default the repository root)
"""

import argparse
import os
import re
import sys

TOLERANCE = 10

# `path:line` (`symbol`)
POINTER = re.compile(r"`(?P<path>[A-Za-z0-9_.+/-]+):(?P<line>[0-9]+)`(?P<gap>\s*)"
                     r"\(`(?P<sym>[^`\n]+)`\)")

WORD = re.compile(r"[A-Za-z0-9_]")


def symbol_regex(sym):
    """The symbol as written, not part of a longer identifier."""
    pre = r"(?<![A-Za-z0-9_])" if WORD.match(sym[0]) else ""
    post = r"(?![A-Za-z0-9_])" if WORD.match(sym[-1]) else ""
    return re.compile(pre + re.escape(sym) + post)


def occurrences(lines, sym):
    """1-based numbers of the lines on which sym occurs."""
    rx = symbol_regex(sym)
    return [i + 1 for i, text in enumerate(lines) if rx.search(text)]


def nearest(occ, line):
    """The occurrence closest to line (the earlier one on a tie), or None."""
    if not occ:
        return None
    return min(occ, key=lambda o: (abs(o - line), o))


class Checker:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def lines_of(self, path):
        if path not in self.cache:
            full = os.path.join(self.root, path)
            if os.path.isabs(path) or not os.path.isfile(full):
                self.cache[path] = None
            else:
                with open(full, encoding="utf-8", errors="replace") as f:
                    self.cache[path] = f.read().splitlines()
        return self.cache[path]

    def check_page(self, page, fix):
        """Returns (bad, off, total, new_text): bad pointers (after --fix: the ones it could
        not repair), pointers off their line but within the tolerance, all pointers, and the
        page's text with the repairs (None without --fix)."""
        with open(page, encoding="utf-8") as f:
            text = f.read()
        bad, off, total = 0, 0, 0
        out = []
        pos = 0
        for m in POINTER.finditer(text):
            total += 1
            path, line, sym = m.group("path"), int(m.group("line")), m.group("sym")
            where = f"{page}:{text.count(chr(10), 0, m.start()) + 1}"
            ptr = f"`{path}:{line}` (`{sym}`)"
            lines = self.lines_of(path)
            new_line = line
            if lines is None:
                bad += 1
                print(f"{where}: {ptr}: no such file under {self.root}")
            else:
                near = nearest(occurrences(lines, sym), line)
                if near is None:
                    bad += 1
                    print(f"{where}: {ptr}: `{sym}` does not occur in {path}")
                elif abs(near - line) > TOLERANCE:
                    if fix:
                        new_line = near
                        print(f"{where}: {ptr}: fixed, `{sym}` is at {path}:{near}")
                    else:
                        bad += 1
                        print(f"{where}: {ptr}: `{sym}` is not within {TOLERANCE} lines of "
                              f"{line}; nearest occurrence at {path}:{near}")
                elif near != line:
                    if fix:
                        new_line = near
                    else:
                        off += 1
            out.append(text[pos:m.start("line")])
            out.append(str(new_line))
            pos = m.end("line")
        out.append(text[pos:])
        if total == 0:
            bad += 1
            print(f"{page}: no pointers (`path:line` (`symbol`)) found")
        return bad, off, total, ("".join(out) if fix else None)


def main(argv):
    default_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="+", metavar="PAGE.md")
    ap.add_argument("--root", default=default_root,
                    help="directory the pointer paths are relative to (default: the repository)")
    ap.add_argument("--fix", action="store_true",
                    help="rewrite line numbers to the nearest occurrence of their symbol")
    args = ap.parse_args(argv)
    checker = Checker(args.root)
    status = 0
    for page in args.pages:
        if not os.path.isfile(page):
            print(f"{page}: no such page")
            status = 1
            continue
        bad, off, total, new_text = checker.check_page(page, args.fix)
        if new_text is not None:
            with open(page, encoding="utf-8") as f:
                old_text = f.read()
            if new_text != old_text:
                with open(page, "w", encoding="utf-8") as f:
                    f.write(new_text)
        note = f", {off} within {TOLERANCE} lines but not on their symbol (--fix snaps them)" \
            if off else ""
        print(f"{page}: {total} pointers, {bad} bad{note}")
        if bad:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
