#!/usr/bin/env python3
"""Fails when a source file includes a layer it may not (doc/design.md §8, "Layers").

The rules, by the folder a file lives in:
  common/               common/ only
  ldap/                 common/, ldap/          (knows LDAP, nothing of CTIM)
  sync/                 common/, sync/          (knows HTTP/Graph, nothing of LDAP)
  agent/<part>/         common/ and the agent parts listed in AGENT_PARTS
  agent/adapters/       common/, any agent part, ldap/, sync/ (the only agent code that may)
  service/              anything in the tree (the process shell)

Usage: layering_test.py <source root>. Prints every offending include as file:line and exits 1.
"""
import pathlib
import re
import sys

AGENT_PARTS = {
    "model": set(),
    "reader": {"model"},
    "journal": {"model"},
    "plan": {"model", "reader"},
    "apply": {"model", "journal", "plan"},
    "verify": {"model", "reader", "journal", "plan"},
    "inbox": {"model", "journal", "plan"},
    "report": {"model", "reader", "journal", "plan", "apply", "verify"},
    "adapters": {"model", "reader", "journal", "plan", "apply", "verify", "inbox", "report"},
}
LAYERS = ("common", "ldap", "sync", "agent", "service")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def allowed(src: pathlib.PurePosixPath, target: str) -> str | None:
    """None when src may include target; else the reason it may not."""
    layer = src.parts[0]
    head = target.split("/")[0]
    if head not in LAYERS:
        return None  # a header next to the file or a third-party one
    if head == "common" or layer == "service":
        return None
    if layer == "common":
        return "common/ includes only common/"
    if layer in ("ldap", "sync"):
        return None if head == layer else f"{layer}/ includes only common/ and {layer}/"
    # agent/
    part = src.parts[1] if len(src.parts) > 2 else None
    if part not in AGENT_PARTS:
        return f"agent/{src.name} must live in one of agent/{{{','.join(AGENT_PARTS)}}}/"
    if head in ("ldap", "sync"):
        return None if part == "adapters" else "only agent/adapters/ includes ldap/ or sync/"
    if head == "service":
        return "agent/ never includes service/"
    tpart = target.split("/")[1] if target.count("/") >= 2 else None
    if tpart == part or tpart in AGENT_PARTS[part]:
        return None
    return f"agent/{part}/ may include agent/{{{','.join(sorted(AGENT_PARTS[part] | {part}))}}}/ only"


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    checked = 0
    bad = []
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*")):
            if path.suffix not in (".h", ".cpp"):
                continue
            rel = pathlib.PurePosixPath(path.relative_to(root).as_posix())
            checked += 1
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                reason = allowed(rel, match.group(1))
                if reason:
                    bad.append(f"{rel}:{number}: includes \"{match.group(1)}\": {reason}")
    for line in bad:
        print(line)
    print(f"layering: {checked} files checked, {len(bad)} forbidden includes")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
