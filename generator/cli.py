"""The `milepost` command: a thin layer over the pipeline's plain functions."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import traceback
from datetime import UTC, date, datetime
from pathlib import Path

from generator import __version__
from generator.problems import MilepostError, errors, report


def today_from(as_of: str | None, option: str = "--as-of") -> date:
    """'Today' for overdue and lateness: --as-of, else SOURCE_DATE_EPOCH, else the clock."""
    if as_of:
        try:
            return date.fromisoformat(as_of)
        except ValueError:
            raise MilepostError(f"{option} '{as_of}' is not a date (expected YYYY-MM-DD)")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError):
            raise MilepostError(f"SOURCE_DATE_EPOCH '{epoch}' is not a number of seconds")
    return date.today()


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.model import check_projects

    checked = check_projects(Path(args.projects), today_from(args.as_of))
    problems = checked.problems
    if args.strict:
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    print(report(problems, args.format, checked.clients))
    return 1 if errors(problems) else 0


def _run(args: argparse.Namespace, out: Path, mode: str, verb: str) -> int:
    """Validate and build (or publish) every client named, in parallel; report like
    `validate`, then a table; exit 1 naming the clients that were not done."""
    from generator.build import (
        BuildSettings,
        base_config_for,
        check_out_dir,
        remove_stale_scratch,
    )
    from generator.model import select_clients
    from generator.problems import display_path
    from generator.runner import run_all

    projects_dir = Path(args.projects)
    check_out_dir(out, projects_dir)
    today = today_from(args.as_of)
    folders = select_clients(projects_dir, args.client)
    root = projects_dir.resolve().parent
    settings = BuildSettings(out.resolve(), today, base_config_for(root), root)
    remove_stale_scratch(settings.out)  # what a killed run left: never published
    remove_stale_scratch()
    progress = Progress(len(folders), live=sys.stdout.isatty() and not os.environ.get("CI"))
    try:
        results = run_all(folders, display_path(projects_dir), settings, mode, projects_dir,
                          args.jobs or os.cpu_count() or 1, on_done=progress)
    finally:
        progress.finish()
    problems = [p for x in results for p in x.problems]
    if problems:
        print(report(problems, "text", len(folders)), file=sys.stderr)
    print(results_table(results))
    if args.debug:
        for x in results:
            if x.detail:
                print(f"{x.slug}:\n{x.detail}", file=sys.stderr, end="")
    failed = [x.slug for x in results if not x.ok]
    if failed:
        print(f"error: not {verb}: {', '.join(sorted(failed))} (what was there before is "
              "unchanged)", file=sys.stderr)
        return 1
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    return _run(args, Path(args.out), "versions" if args.versions else "site", "built")


class Progress:
    """One line per client as it finishes; on a terminal, also a counter kept up to date on
    the last line (CI logs get plain lines only)."""

    def __init__(self, total: int, live: bool) -> None:
        self.total, self.done, self.live = total, 0, live
        self._counter()

    def __call__(self, result) -> None:  # noqa: ANN001 (a BuildResult)
        self.done += 1
        state = "built" if result.ok else (
            "not built: invalid" if result.invalid else f"FAILED: {result.message}")
        if result.ok and result.message:
            state += f": {result.message}"
        clear = "\r\033[K" if self.live else ""
        print(f"{clear}{result.slug}: {state} ({result.pages} pages, {result.seconds:.1f} s)",
              flush=True)
        self._counter()

    def _counter(self) -> None:
        if self.live and self.done < self.total:
            print(f"building: {self.done} of {self.total} clients done…", end="", flush=True)

    def finish(self) -> None:
        if self.live and self.done < self.total:
            print(flush=True)


def results_table(results) -> str:  # noqa: ANN001 (BuildResults)
    def outcome(x) -> str:  # noqa: ANN001
        return "ok" if x.ok else "invalid (see errors above)" if x.invalid else "build failed"

    rows = sorted((x.slug, str(x.pages), f"{x.seconds:.1f}", outcome(x)) for x in results)
    header = ("client", "pages", "seconds", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    return "\n".join(lines)


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.serve import serve

    serve(Path(args.projects), args.slug, today_from(args.as_of), args.host, args.port)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from generator.versions import release

    tag = release(Path(args.projects), args.slug, args.version, args.message,
                  today_from(args.as_of))
    print(f"released {tag}: push it with `git push origin {tag}`")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.compare import as_markdown, as_text, what_changed
    from generator.versions import last_version_name, load_side

    projects, today = Path(args.projects), today_from(args.as_of)
    frm = args.frm or last_version_name(projects, args.slug)
    old_name, old_date, old = load_side(projects, args.slug, frm, today)
    new_name, _, new = load_side(projects, args.slug, args.to, today)
    heading = f"{args.slug}: changes in {new_name} since {old_name} ({old_date.isoformat()})"
    render = as_markdown if args.format == "markdown" else as_text
    print(render(what_changed(old, new), heading), end="")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    if args.to:
        return _run(args, Path(args.to), "publish", "published")
    from generator import git
    from generator.publish import branch_worktree, commit_published

    repo = git.repo_root(Path(args.projects).resolve())
    if repo is None:
        raise MilepostError(f"{args.projects} is not in a git repository: --branch needs one")
    with branch_worktree(repo, args.branch) as folder:
        code = _run(args, folder, "publish", "published")
        if code == 0:
            head = git.run_git(repo, "rev-parse", "--short", "HEAD").strip()
            changed = commit_published(folder, f"Publish {head}")
            print(f"committed to {args.branch}" if changed else
                  f"{args.branch} is up to date", flush=True)
            if changed and args.push:
                git.run_git(folder, "push", args.push, args.branch)
                print(f"pushed {args.branch} to {args.push}")
    return code


def cmd_plan(args: argparse.Namespace) -> int:
    import json

    from generator.publish import plan

    clients = plan(Path(args.projects), args.changed_since)
    if args.format == "json":
        print(json.dumps({"clients": clients}))
    else:
        print("\n".join(clients))
    return 0


def cmd_init_ci(args: argparse.Namespace) -> int:
    from generator.ci import write_pipeline

    for path in write_pipeline(args.system, Path(args.root), force=args.force):
        print(f"wrote {path}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from generator.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from generator.scaffold import new_client

    start = today_from(args.start, "--start")
    folder = new_client(Path(args.projects), args.slug, args.name,
                        args.project or f"Project for {args.name}", start, Path(args.schemas))
    print(f"created {folder}: edit its files, then run `milepost validate {args.projects}`")
    return 0


def port_number(text: str) -> int:
    """A TCP port to listen on: 0 would pick a random one, so it is refused too."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number: use a whole number "
                                         "from 1 to 65535, e.g. 8000")
    return int(text)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="milepost", description=(
        "Validate clients' project records and publish one site per client."))
    p.add_argument("--version", action="version", version=f"milepost {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on failure")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check every client's YAML and report all problems")
    v.add_argument("projects", nargs="?", default="projects", help="projects folder")
    v.add_argument("--format", choices=["text", "github", "json"], default="text")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors")
    v.add_argument("--as-of", help="today's date for date checks (YYYY-MM-DD)")
    v.set_defaults(run=cmd_validate)

    b = sub.add_parser("build", help="build one static site per client")
    b.add_argument("projects", nargs="?", default="projects", help="projects folder")
    b.add_argument("--out", default="site", help="output folder (default: site)")
    b.add_argument("--client", action="append", metavar="SLUG",
                   help="build only this client (repeatable)")
    b.add_argument("--as-of", help="today's date for overdue and lateness (YYYY-MM-DD)")
    b.add_argument("-j", "--jobs", type=int, default=0, help="clients built in parallel "
                   "(default: number of cores)")
    b.add_argument("--versions", action="store_true", help="also build every tagged version "
                   "(tags SLUG/VERSION) into DIR/SLUG/VERSION, latest into DIR/SLUG/latest")
    b.set_defaults(run=cmd_build)

    sv = sub.add_parser("serve", help="preview one client, rebuilt when its YAML changes")
    sv.add_argument("slug", help="the client's folder name")
    sv.add_argument("--projects", default="projects", help="projects folder")
    sv.add_argument("--as-of", help="today's date for overdue and lateness (YYYY-MM-DD)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=port_number, default=8000)
    sv.set_defaults(run=cmd_serve)

    rl = sub.add_parser("release", help="tag the client's current files as a version")
    rl.add_argument("slug")
    rl.add_argument("version", help="version name, e.g. v1 or 2026-11")
    rl.add_argument("-m", "--message", help="note shown on the site with this version")
    rl.add_argument("--projects", default="projects", help="projects folder")
    rl.add_argument("--as-of", help="today's date for date checks (YYYY-MM-DD)")
    rl.set_defaults(run=cmd_release)

    df = sub.add_parser("diff", help="what changed between two versions of a client")
    df.add_argument("slug")
    df.add_argument("frm", nargs="?", metavar="FROM", help="version (default: the last one)")
    df.add_argument("to", nargs="?", metavar="TO", help="version (default: the working tree)")
    df.add_argument("--format", choices=["text", "markdown"], default="text")
    df.add_argument("--projects", default="projects", help="projects folder")
    df.add_argument("--as-of", help="today's date (YYYY-MM-DD)")
    df.set_defaults(run=cmd_diff)

    pb = sub.add_parser("publish", help="build what changed and swap it into a folder")
    pb.add_argument("projects", nargs="?", default="projects", help="projects folder")
    where = pb.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", help="the published folder (e.g. a web root)")
    where.add_argument("--branch", help="publish as a commit on this branch (e.g. gh-pages)")
    pb.add_argument("--push", metavar="REMOTE", help="with --branch: push it afterwards")
    pb.add_argument("--client", action="append", metavar="SLUG")
    pb.add_argument("--as-of", help="today's date for latest (YYYY-MM-DD)")
    pb.add_argument("-j", "--jobs", type=int, default=0)
    pb.set_defaults(run=cmd_publish)

    pl = sub.add_parser("plan", help="list the clients whose inputs changed since a commit")
    pl.add_argument("projects", nargs="?", default="projects", help="projects folder")
    pl.add_argument("--changed-since", required=True, metavar="REF")
    pl.add_argument("--format", choices=["text", "json"], default="text")
    pl.set_defaults(run=cmd_plan)

    ci = sub.add_parser("init-ci", help="write a CI pipeline that validates and publishes")
    ci.add_argument("system", choices=["github", "gitlab"])
    ci.add_argument("--root", default=".", help="the repository's root folder")
    ci.add_argument("--force", action="store_true", help="overwrite an existing pipeline")
    ci.set_defaults(run=cmd_init_ci)

    s = sub.add_parser("schema", help="write JSON Schemas for editor completion")
    s.add_argument("--out", default="schemas", help="folder to write to (default: schemas)")
    s.set_defaults(run=cmd_schema)

    n = sub.add_parser("new", help="create a new client folder that validates cleanly")
    n.add_argument("slug", help="folder name: lowercase letters, digits and '-'")
    n.add_argument("--name", required=True, help="the client's name")
    n.add_argument("--project", help="the project's name")
    n.add_argument("--start", help="start date (YYYY-MM-DD, default today)")
    n.add_argument("--projects", default="projects", help="projects folder")
    n.add_argument("--schemas", default="schemas", help="where the JSON Schemas live")
    n.set_defaults(run=cmd_new)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except MilepostError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: stopped; every client not finished keeps its last good site",
              file=sys.stderr)
        return 130
    except OSError as exc:  # a folder that cannot be written, a file that is not a folder
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception:  # a traceback is a bug: say so plainly, show it only with --debug
        if args.debug:
            traceback.print_exc()
        else:
            exc = sys.exc_info()[1]
            print(f"error: internal error ({type(exc).__name__}: {exc}); this is a bug in "
                  "Milepost: run again with --debug and report it", file=sys.stderr)
        return 2
