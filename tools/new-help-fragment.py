#!/usr/bin/env python3
"""Writes a MAML help fragment (src/KeepTrusts.PowerShell/Help/<Name>.help.xml) from a small JSON spec.

The build concatenates the fragments into en-US/KeepTrusts.PowerShell.dll-Help.xml. Usage:
    python3 tools/new-help-fragment.py spec.json
Spec: {"name", "synopsis", "description": [paras], "parameters": [{"name","type","required","position","pipeline","description","aliases"}],
       "syntax": [[parameter names per set]], "inputs": [[type, text]], "outputs": [[type, text]], "examples": [[title, code, remarks]], "links": [names]}
"""
import json, sys
from xml.sax.saxutils import escape as e

def fragment(spec):
    p = {x["name"]: x for x in spec["parameters"]}
    out = ["  <command:command>", "    <command:details>", f"      <command:name>{spec['name']}</command:name>"]
    verb, noun = spec["name"].split("-", 1)
    out += [f"      <command:verb>{verb}</command:verb>", f"      <command:noun>{noun}</command:noun>",
            f"      <maml:description><maml:para>{e(spec['synopsis'])}</maml:para></maml:description>", "    </command:details>",
            "    <maml:description>"] + [f"      <maml:para>{e(x)}</maml:para>" for x in spec["description"]] + ["    </maml:description>", "    <command:syntax>"]
    for names in spec["syntax"]:
        out += ["      <command:syntaxItem>", f"        <maml:name>{spec['name']}</maml:name>"]
        for n in names:
            x = p[n]
            out.append(f"        <command:parameter required=\"{str(x.get('required', False)).lower()}\" position=\"{x.get('position', 'named')}\" pipelineInput=\"{x.get('pipeline', 'false')}\"><maml:name>{n}</maml:name>"
                       + (f"<command:parameterValue required=\"true\">{e(x['type'])}</command:parameterValue>" if x['type'] != 'SwitchParameter' else "") + "</command:parameter>")
        out.append("      </command:syntaxItem>")
    out += ["    </command:syntax>", "    <command:parameters>"]
    for x in spec["parameters"]:
        aliases = f" aliases=\"{x['aliases']}\"" if x.get("aliases") else ""
        out += [f"      <command:parameter required=\"{str(x.get('required', False)).lower()}\" position=\"{x.get('position', 'named')}\" pipelineInput=\"{x.get('pipeline', 'false')}\"{aliases}>",
                f"        <maml:name>{x['name']}</maml:name>",
                f"        <maml:description><maml:para>{e(x['description'])}</maml:para></maml:description>"]
        if x["type"] != "SwitchParameter":
            out.append(f"        <command:parameterValue required=\"true\">{e(x['type'])}</command:parameterValue>")
        out += [f"        <dev:type><maml:name>{e(x['type'])}</maml:name></dev:type>", "      </command:parameter>"]
    out += ["    </command:parameters>", "    <command:inputTypes>"]
    for t, text in spec.get("inputs", []):
        out.append(f"      <command:inputType><dev:type><maml:name>{e(t)}</maml:name></dev:type><maml:description><maml:para>{e(text)}</maml:para></maml:description></command:inputType>")
    out += ["    </command:inputTypes>", "    <command:returnValues>"]
    for t, text in spec.get("outputs", []):
        out.append(f"      <command:returnValue><dev:type><maml:name>{e(t)}</maml:name></dev:type><maml:description><maml:para>{e(text)}</maml:para></maml:description></command:returnValue>")
    out += ["    </command:returnValues>", "    <command:examples>"]
    for i, (title, code, remarks) in enumerate(spec["examples"], 1):
        out += ["      <command:example>", f"        <maml:title>Example {i}: {e(title)}</maml:title>", f"        <dev:code>{e(code)}</dev:code>",
                f"        <dev:remarks><maml:para>{e(remarks)}</maml:para></dev:remarks>", "      </command:example>"]
    out += ["    </command:examples>", "    <command:relatedLinks>"]
    for link in spec.get("links", []):
        out.append(f"      <maml:navigationLink><maml:linkText>{e(link)}</maml:linkText></maml:navigationLink>")
    out += ["    </command:relatedLinks>", "  </command:command>"]
    return "\n".join(out) + "\n"

for path in sys.argv[1:]:
    spec = json.load(open(path))
    target = f"src/KeepTrusts.PowerShell/Help/{spec['name']}.help.xml"
    open(target, "w").write(fragment(spec))
    print(target)
