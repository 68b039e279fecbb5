"""The Commands page, generated from the argument parser (`generator/cli.py`): every command's
description, usage and options exactly as `milepost COMMAND --help` knows them.

argparse has no public way to list a parser's options: `_actions`, `_mutually_exclusive_groups`
and the formatter's invocation and usage are read here, in one module, so a change in
argparse shows up in one place (and in this page's test)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from generator.cli import parser
from generator.format.reference import plain

USAGE_WIDTH = 72  # the usage line fits a phone's code block with little scrolling

INTRO = """\
# Commands

Every `milepost` command and option, generated from the program's own argument parser: what
this page says is what `milepost COMMAND --help` says. The commands that read the clients'
files find them in the folder `projects`, unless `--projects DIR` names another one.
"""


def subcommands(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """A parser's commands by name, in the order --help lists them ({} if it has none)."""
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def options(p: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options and arguments --help shows (not the commands, not those it hides)."""
    return [a for a in p._actions if not isinstance(a, argparse._SubParsersAction)
            and a.help != argparse.SUPPRESS and not isinstance(a, argparse._HelpAction)]


def usage(p: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(p.prog, width=USAGE_WIDTH)
    formatter.add_usage(p.usage, p._actions, p._mutually_exclusive_groups, prefix="")
    return formatter.format_help().strip()


def invocation(p: argparse.ArgumentParser, action: argparse.Action) -> str:
    """How the option is written, as --help shows it: `-j N, --jobs N`, `SLUG`."""
    shown = argparse.HelpFormatter(p.prog)._format_action_invocation(action)
    return ", ".join(f"`{part}`" for part in shown.split(", "))


def help_text(action: argparse.Action) -> str:
    return " ".join((action.help or "").split())


def _value(value: object) -> str:
    return f"`{value}`"


def notes(action: argparse.Action) -> list[str]:
    """What --help leaves to the reader: choices, the default, whether it is required."""
    found = []
    if action.choices is not None:
        found.append("Choices: " + ", ".join(_value(c) for c in action.choices) + ".")
    default = action.default
    if (default not in (None, False, argparse.SUPPRESS, "") and action.option_strings
            and "default" not in help_text(action).lower()):
        found.append(f"Default: {_value(default)}.")
    if action.required and action.option_strings:
        found.append("Required.")
    return found


def option_entry(p: argparse.ArgumentParser, action: argparse.Action) -> list[str]:
    """One option as a definition: how it is written, then what it does."""
    told = notes(action)
    return [invocation(p, action), f":   {plain(help_text(action))}", "",
            *([f"    {' '.join(told)}", ""] if told else [])]


def groups(p: argparse.ArgumentParser) -> list[str]:
    """Options that exclude each other, and whether one of them must be given."""
    lines = []
    for group in p._mutually_exclusive_groups:
        names = ", ".join(f"`{a.option_strings[-1]}`" for a in group._group_actions)
        lines.append(f"Give {'exactly' if group.required else 'at most'} one of {names}.")
    return lines


def command_section(name: str, p: argparse.ArgumentParser, level: int,
                    summary: str) -> Iterator[str]:
    anchor = p.prog.removeprefix("milepost ").replace(" ", "-")
    yield f"{'#' * level} {p.prog.removeprefix('milepost ')} {{#{anchor}}}"
    yield ""
    yield plain(" ".join((p.description or summary).split()))
    yield ""
    yield from ["```text", usage(p), "```", ""]
    shown = options(p)
    if shown:
        yield from ["Options and arguments:", ""]
        for action in shown:
            yield from option_entry(p, action)
        if groups(p):
            yield from [*groups(p), ""]
    for sub, sp in subcommands(p).items():
        yield from command_section(sub, sp, level + 1, summaries(p).get(sub, ""))


def summaries(p: argparse.ArgumentParser) -> dict[str, str]:
    """Each command's one-line help, as the command list of --help shows it."""
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def commands_page() -> str:
    """The whole Commands page, as Markdown."""
    top = parser()
    lines = [INTRO, "## milepost {#milepost}", "", plain(top.description or ""), "",
             "```text", usage(top), "```", "", "Options of `milepost` itself, given before "
             "the command:", ""]
    for action in options(top):
        lines += option_entry(top, action)
    lines += ["Commands:", ""]
    lines += [f"- [{name}](#{name}): {plain(text)}" for name, text in summaries(top).items()]
    lines.append("")
    for name, sp in subcommands(top).items():
        lines += command_section(name, sp, 2, summaries(top).get(name, ""))
    return "\n".join(lines).rstrip() + "\n"


def every_command() -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command, with its full name (`access add`)."""
    found: list[tuple[str, argparse.ArgumentParser]] = []
    pending = list(subcommands(parser()).items())
    while pending:
        name, p = pending.pop(0)
        found.append((name, p))
        pending += [(f"{name} {sub}", sp) for sub, sp in subcommands(p).items()]
    return found
