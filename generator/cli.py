"""The `milepost` command: a thin layer over the pipeline's plain functions."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import traceback
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.problems import MilepostError, errors, redact, report, visible

if TYPE_CHECKING:  # the commands import the pipeline only when they run
    from generator.pipeline import Mode
    from generator.site.build import BuildResult


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
    from generator.pipeline import check_projects

    checked = check_projects(Path(args.projects), today_from(args.as_of), args.client)
    problems = checked.problems
    if args.strict:
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    print(report(problems, args.format, checked.clients))
    return 1 if errors(problems) else 0


def _run(args: argparse.Namespace, out: Path, mode: Mode, verb: str) -> int:
    """Validate and build (or publish) every client named, in parallel; report like
    `validate`, then a table; exit 1 naming the clients that were not done."""
    from generator.pipeline import client_scope, run_all, select_clients
    from generator.problems import display_path
    from generator.site.build import BuildSettings, base_config_for
    from generator.site.output import check_out_dir, remove_stale_scratch

    projects_dir, only = client_scope(Path(args.projects), args.client)
    check_out_dir(out, projects_dir)
    today = today_from(args.as_of)
    folders = select_clients(projects_dir, only)
    root = projects_dir.resolve().parent
    settings = BuildSettings(out.resolve(), today, base_config_for(root), root, args.strict)
    remove_stale_scratch(settings.out)  # what a killed run left: never published
    remove_stale_scratch()
    # The agency's view covers every client, whichever were named: it is of the whole agency.
    agency = select_clients(projects_dir) if getattr(args, "agency", False) else None
    progress = Progress(len(folders) + (agency is not None),
                        live=sys.stdout.isatty() and not os.environ.get("CI"))
    try:
        results = run_all(folders, display_path(projects_dir), settings, mode, projects_dir,
                          args.jobs or os.cpu_count() or 1, on_done=progress, agency=agency)
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
        print(f"error: not {verb}: {visible(', '.join(sorted(failed)))} (what was there before is "
              "unchanged)", file=sys.stderr)
        return 1
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    code = _run(args, Path(args.out), "versions" if args.versions else "site", "built")
    warn_gone_clients(Path(args.out), Path(args.projects))
    return code


def warn_gone_clients(out: Path, projects: Path) -> None:
    """Name each client folder in the output whose client is no longer in the projects
    folder: `build` never removes what it did not build this time, and `host` leaves such a
    folder unserved."""
    from generator.pipeline import client_scope
    from generator.site.output import gone_clients

    projects_dir, _ = client_scope(projects, None)
    shown = str(out).rstrip("/")
    for folder in gone_clients(out, projects_dir):
        print(visible(f"warning: {shown}/{folder.name}/ is left from {folder.name}, which is no "
                      f"longer in {projects}: `milepost host` does not serve it; remove the "
                      "folder (`milepost publish --to DIR --prune` removes such folders)"),
              file=sys.stderr, flush=True)


class Progress:
    """One line per client as it finishes; on a terminal, also a counter kept up to date on
    the last line (CI logs get plain lines only)."""

    def __init__(self, total: int, live: bool) -> None:
        self.total, self.done, self.live = total, 0, live
        self._counter()

    def __call__(self, result: BuildResult) -> None:
        self.done += 1
        state = "built" if result.ok else (
            "not built: invalid" if result.invalid else f"FAILED: {result.message}")
        if result.ok and result.message:
            state += f": {result.message}"
        clear = "\r\033[K" if self.live else ""
        print(f"{clear}{visible(f'{result.slug}: {state}')} ({result.pages} pages, "
              f"{result.seconds:.1f} s)",
              flush=True)
        self._counter()

    def _counter(self) -> None:
        if self.live and self.done < self.total:
            print(f"building: {self.done} of {self.total} clients done…", end="", flush=True)

    def finish(self) -> None:
        if self.live and self.done < self.total:
            print(flush=True)


def results_table(results: list[BuildResult]) -> str:
    def outcome(x: BuildResult) -> str:
        return "ok" if x.ok else "invalid (see errors above)" if x.invalid else "build failed"

    rows = sorted((visible(x.slug), str(x.pages), f"{x.seconds:.1f}", outcome(x)) for x in results)
    header = ("client", "pages", "seconds", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    return "\n".join(lines)


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.agency import FOLDER as AGENCY_FOLDER
    from generator.pipeline import client_scope, locate_client, run_all, select_clients
    from generator.problems import display_path
    from generator.ship.serve import serve, serve_agency
    from generator.site.build import BuildSettings

    if args.agency:
        if args.slug:
            raise MilepostError(f"give SLUG ({args.slug}) or --agency, not both: --agency "
                                "previews the agency's view of every client")
        projects, _ = client_scope(Path(args.projects))

        def build_all(settings: BuildSettings) -> BuildResult:
            # every client too: the agency's view holds a copy of each client's site
            folders = select_clients(projects)
            results = run_all(folders, display_path(projects), settings, "site", projects,
                              os.cpu_count() or 1, agency=folders)
            problems = [p for x in results for p in x.problems]
            if problems:
                print(report(problems, "text", len(folders)), file=sys.stderr)
            return next(x for x in results if x.slug == AGENCY_FOLDER)

        serve_agency(projects, today_from(args.as_of), args.host, args.port, build_all)
        return 0
    if not args.slug:
        raise MilepostError("say what to preview: a client's SLUG, or --agency for the "
                            "agency's view")
    projects, slug = locate_client(Path(args.projects), args.slug)
    serve(projects, slug, today_from(args.as_of), args.host, args.port)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from generator.history.release import release
    from generator.pipeline import locate_client

    projects, slug = locate_client(Path(args.projects), args.slug)
    tag = release(projects, slug, args.version, args.message, today_from(args.as_of))
    print(f"released {tag}: push it with `git push origin {tag}`")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.history.compare import as_markdown, as_text, what_changed
    from generator.history.release import last_version_name, load_at_revision, load_side
    from generator.pipeline import locate_client

    projects, slug = locate_client(Path(args.projects), args.slug)
    today = today_from(args.as_of)
    if args.since and args.frm:
        raise MilepostError(f"give FROM ({args.frm}) or --since ({args.since}), not both")
    if args.since:
        old_name, old_date, old = load_at_revision(projects, slug, args.since, today)
    else:
        frm = args.frm or last_version_name(projects, slug)
        old_name, old_date, old = load_side(projects, slug, frm, today)
    new_name, _, new = load_side(projects, slug, args.to, today)
    heading = f"{slug}: changes in {new_name} since {old_name} ({old_date.isoformat()})"
    render = as_markdown if args.format == "markdown" else as_text
    print(render(what_changed(old, new, old_name), heading), end="")
    return 0


def in_ci() -> bool:
    """GitHub Actions and GitLab CI both set CI=true."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def prune_gone_clients(args: argparse.Namespace, published: Path, shown: str) -> None:
    """Remove (with --prune, or in CI unless --no-prune) each published client folder whose
    client is no longer in the projects folder, saying so; otherwise warn about each."""
    from generator.ship.publish import remove_published
    from generator.site.output import gone_clients

    prune = in_ci() if args.prune is None else args.prune
    for folder in gone_clients(published, Path(args.projects)):
        if prune:
            remove_published(folder)
            print(f"removed {shown}{folder.name}/: {folder.name} is no longer in "
                  f"{args.projects}", flush=True)
        else:
            print(f"warning: {shown}{folder.name}/ is still published, but {folder.name} is no "
                  f"longer in {args.projects}: pass --prune to remove it (the default in CI)",
                  file=sys.stderr, flush=True)


def cmd_publish(args: argparse.Namespace) -> int:
    if args.agency and not args.to:
        # A branch is how GitHub Pages publishes, and Pages are public: the agency's view
        # holds every internal record and note, and a commit keeps them in its history.
        raise MilepostError("--agency cannot be published to a branch: a branch such as "
                            "gh-pages is served to anyone, and the agency's view holds every "
                            "internal record and note; publish it with --to DIR to your own "
                            "server behind a login (see README.md#private-hosting)")
    if args.agency:
        from generator.ship.publish import served_publicly

        public = served_publicly(Path(args.to), os.environ, Path.cwd())
        if public:
            raise MilepostError(f"--agency cannot be published into {args.to}: {public}, and "
                                "the agency's view holds every internal record and note; "
                                "publish it to your own server behind a login (`milepost "
                                "init-ci` does by default; see README.md#private-hosting)")
    if args.to:
        code = _run(args, Path(args.to), "publish", "published")
        if code == 0:
            prune_gone_clients(args, Path(args.to), args.to.rstrip("/") + "/")
        return code
    from generator.history import git
    from generator.ship.publish import branch_worktree, commit_published

    repo = git.repo_root(Path(args.projects).resolve())
    if repo is None:
        raise MilepostError(f"{args.projects} is not in a git repository: --branch needs one")
    with branch_worktree(repo, args.branch) as folder:
        code = _run(args, folder, "publish", "published")
        if code == 0:
            prune_gone_clients(args, folder, f"{args.branch}:")
            changed = commit_published(folder, f"Publish {git.head_commit(repo)}")
            print(f"committed to {args.branch}" if changed else
                  f"{args.branch} is up to date", flush=True)
            if changed and args.push:
                git.push_branch(folder, args.push, args.branch)
                print(f"pushed {args.branch} to {redact(args.push)}")
    return code


def cmd_plan(args: argparse.Namespace) -> int:
    import json

    from generator.pipeline import client_scope
    from generator.ship.publish import plan

    projects, only = client_scope(Path(args.projects))
    clients = [c for c in plan(projects, args.changed_since) if only is None or c in only]
    if args.format == "json":
        print(json.dumps({"clients": clients}))
    else:
        print("\n".join(clients))
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    from generator.pipeline import client_scope, locate_client, select_clients
    from generator.ship.digest.notify import SENDER_VARIABLE, Options, notify_clients
    from generator.ship.publish import plan
    from generator.site.build import base_config_for

    if bool(args.slug) == bool(args.all):
        raise MilepostError("name one client (`milepost notify SLUG`) or give --all")
    if args.changed_since and not args.all:
        raise MilepostError("--changed-since chooses among all clients: use it with --all")
    today = today_from(args.as_of)
    if args.all:
        projects, only = client_scope(Path(args.projects))
        slugs = [f.name for f in select_clients(projects, only)]
        if args.changed_since:
            changed = set(plan(projects, args.changed_since))
            slugs = [s for s in slugs if s in changed]
    else:
        projects, slug = locate_client(Path(args.projects), args.slug)
        slugs = [slug]
    options = Options(eml=Path(args.eml) if args.eml else None, smtp=args.smtp,
                      sender=args.sender or os.environ.get(SENDER_VARIABLE) or None,
                      since=args.since, push=args.push)
    if args.smtp and not args.push and in_ci():
        print("warning: no --push: the tags that remember each digest stay in this CI "
              "checkout, so the next pipeline does not know what was sent and sends it "
              "again; push them with --push REMOTE", file=sys.stderr, flush=True)
    base = base_config_for(projects.resolve().parent)
    failed = []
    for outcome in notify_clients(projects, slugs, today, base, options, keep_going=args.all):
        # An error lists problems one per line; an outcome is one line.
        print(visible(redact(outcome.line), lines=outcome.error),
              file=sys.stderr if outcome.failed else sys.stdout, flush=True)
        if outcome.failed:
            failed.append(outcome.slug)
    if failed:
        print(f"error: digest not done for: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def cmd_inbox(args: argparse.Namespace) -> int:
    from generator.history import git
    from generator.pipeline import client_scope
    from generator.ship.inbox import open_source, run_inbox

    if args.commit and args.dry_run:
        raise MilepostError("--commit writes a commit; --dry-run writes nothing: give one")
    projects, _ = client_scope(Path(args.projects))
    source = open_source(args.maildir, args.imap)
    try:
        report = run_inbox(projects, source, args.authserv_id, today_from(args.as_of),
                           args.dry_run)
    finally:
        source.close()
    for line in report.lines:
        print(line)
    print(report.summary() + (" (dry run: nothing written or marked)" if args.dry_run else
                              "; review with git diff, then commit" if report.applied
                              and not args.commit else ""))
    if args.commit and report.files:
        repo = git.repo_root(projects)
        if repo is None:
            raise MilepostError(f"{projects} is not in a git repository: nothing committed")
        files = [str(f.resolve().relative_to(repo.resolve())) for f in sorted(report.files)]
        git.commit_files(repo, files, f"Answers by email: {report.applied} applied by "
                         "milepost inbox")
        print(f"committed {len(files)} file(s)")
    return 0


def _wrapped(text: str, first: str = "", rest: str = "  ") -> str:
    """Text wrapped at 100 columns, never inside a `command`, so each one is copied whole."""
    import re
    import textwrap

    kept = re.sub(r"`[^`]*`", lambda m: m.group().replace(" ", "\0"), text)
    return textwrap.fill(kept, 100, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False, break_long_words=False).replace("\0", " ")


def cmd_init_ci(args: argparse.Namespace) -> int:
    from generator.ship.ci import write_pipeline

    setup = write_pipeline(args.system, Path(args.root), force=args.force, package=args.package,
                           deploy=args.deploy, server=args.server,
                           digest_schedule=args.digest_schedule, domain=args.domain)
    if setup.warning:
        print(_wrapped(f"warning: {setup.warning}."), file=sys.stderr, flush=True)
    print(_wrapped(f"wrote {setup.done}."))
    print("Left to do:")
    for n, step in enumerate(setup.todo, 1):
        print(_wrapped(f"{n}. {step}.", "  ", "     "))
    print("See README.md#the-pipelines.")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from generator.format.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from generator.format.scaffold import new_client

    start = today_from(args.start, "--start")
    folder = new_client(Path(args.projects), args.slug, args.name, args.project, start,
                        Path(args.schemas))
    print(f"created {folder}: replace the placeholders in its files (`milepost validate "
          f"--projects {folder}` lists each one left), then preview it with `milepost serve "
          f"{folder}`. The file format: README.md#fields")
    return 0


def _who(args: argparse.Namespace) -> tuple[str | None, str]:
    """`SLUG EMAIL` or `--agency EMAIL`, as the access commands take them."""
    from generator.ship.access import check_email

    if args.agency is not None:
        if args.slug is not None:
            raise MilepostError("give either SLUG EMAIL or --agency EMAIL, not both")
        return None, check_email(args.agency)
    if args.slug is None or args.email is None:
        raise MilepostError("say who: SLUG EMAIL for a client's person, or --agency EMAIL")
    return args.slug, check_email(args.email)


def _password(args: argparse.Namespace, slug: str | None, email: str) -> tuple[str, bool]:
    """The password from stdin (checked against the login, the person's and the client's
    names), or a new one; True when it must be shown."""
    from generator.ship.access import names_for, new_password, password_hints, weak_password

    if not args.password_stdin:
        return new_password(), True
    given = sys.stdin.read().removesuffix("\n").removesuffix("\r")
    hints = password_hints(email, names_for(Path(args.projects), slug, email))
    problem = weak_password(given, hints)
    if problem:
        raise MilepostError(f"{problem}; nothing was changed (leave out --password-stdin to "
                            "get a generated one)")
    return given, False


def cmd_access(args: argparse.Namespace) -> int:
    from generator.ship import access as acc

    path = acc.access_path(args.access)
    if args.action == "list":
        print("\n".join(acc.listing(acc.load_access(path), args.slug)))
        return 0
    slug, email = _who(args)
    current = acc.load_access(path, missing_ok=args.action == "add")
    today = today_from(None)
    if args.action == "revoke":
        acc.save_access(path, acc.revoke_person(current, slug, email))
        print(f"{email} can no longer see {'any client' if slug is None else slug}; run "
              "`milepost host` again and reload the server")
        return 0
    if slug is not None and args.action == "add":
        _check_client(Path(args.projects), slug)
    password, show = _password(args, slug, email)
    hashed = acc.hash_password(password)
    if args.action == "add":
        updated = acc.add_person(current, slug, acc.Person(email, hashed, today))
    else:
        updated = acc.rotate_person(current, slug, email, hashed, today)
    acc.save_access(path, updated)
    where = "every client (agency)" if slug is None else slug
    print(f"{email} can see {where}; run `milepost host` again and reload the server")
    if show:
        print(f"password (shown only now, send it privately): {password}")
    return 0


def _check_client(projects: Path, slug: str) -> None:
    if not (projects / slug / "client.yml").is_file():
        from generator.format.load import find_clients

        known = [p.name for p in find_clients(projects)] if projects.is_dir() else []
        raise MilepostError(f"there is no client '{slug}' in {projects} (clients: "
                            f"{', '.join(known) or 'none'}); nothing was changed")


def cmd_host(args: argparse.Namespace) -> int:
    from generator.ship import access as acc
    from generator.ship import host

    name = getattr(args, "server_name", None) or getattr(args, "domain", None) or ""
    option = "--server-name" if args.server == "nginx" else "--domain"
    cert, key = getattr(args, "cert", None), getattr(args, "key", None)
    if bool(cert) != bool(key):
        raise MilepostError("--cert and --key go together: the certificate (with its chain) "
                            "and its private key, as files on the server")
    tls = (cert, key) if cert and key else None
    port = args.port if args.port is not None else (
        443 if (args.server == "caddy" and name) or tls else 8080)
    access = acc.load_access(acc.access_path(args.access))
    refusal = host.Refusal(args.agency_name or "", args.contact or "")
    rate = 0 if args.server == "caddy" else host.DEFAULT_RATE if args.rate is None \
        else args.rate
    plan = host.make_plan(Path(args.site), access, port, args.listen, name, args.root, option,
                          rate, refusal, current_clients(Path(args.projects)), tls)
    out = Path(args.out)
    if args.server == "nginx":
        written = host.write_nginx(plan, out)
    else:
        written = host.write_caddy(plan, out, args.admin_socket)
    for path in written:
        print(f"wrote {path}")
    nobody, no_site = host.unlisted(plan)
    if nobody:
        print(f"note: only agency staff can see {', '.join(nobody)} (nobody of theirs is listed)")
    if no_site:
        print(f"note: no site for {', '.join(no_site)} in {args.site}: skipped")
    for slug in plan.gone:
        print(visible(f"warning: {args.site.rstrip('/')}/{slug}/ is not served: {slug} is no "
                      f"longer in {args.projects} (remove the folder, or `milepost publish "
                      "--prune` it)"), file=sys.stderr)
    old = host.old_hashes(plan)
    if old:
        print(f"note: {', '.join(old)} still have passwords hashed at another cost than "
              f"{acc.BCRYPT_ROUNDS} (an access file from before): they work, but give them "
              "new passwords with `milepost access rotate` (each of their requests costs the "
              "server more, and a wrong password for them answers slower than for an unknown "
              "login)")
    return 0


def current_clients(projects: Path) -> frozenset[str]:
    """The clients `host` may serve: those in the projects folder. Without it, `host`
    cannot tell a removed client's folder from a current one, so it refuses."""
    from generator.format.load import find_clients
    from generator.pipeline import client_scope

    if not projects.is_dir():
        raise MilepostError(f"--projects {projects} is not a folder: `host` serves only the "
                            "sites of the clients in it (a removed client's folder stays "
                            "offline); run it where the projects folder is, or give --projects")
    projects_dir, _ = client_scope(projects)
    return frozenset(p.name for p in find_clients(projects_dir))


def port_number(text: str) -> int:
    """A TCP port to listen on: 0 would pick a random one, so it is refused too."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number: use a whole number "
                                         "from 1 to 65535, e.g. 8000")
    return int(text)


# --- options several commands share: each defined once, as a parent parser -------------------
#
# The projects folder is the option `--projects DIR` in every command: commands about one
# client already take SLUG (and `diff SLUG FROM TO`, `access add SLUG EMAIL`) as positionals,
# so a positional folder could not be added to them without guessing which word is which; as
# an option it reads the same everywhere, and most runs need nothing at all (the default is
# `projects`). The positional PROJECTS that validate, build, publish and plan took before is
# still understood, with a deprecation note.

DEFAULT_PROJECTS = "projects"


def _parent() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False)


def _projects_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--projects", metavar="DIR", help="the projects folder, with one folder per "
                   f"client, or one client's folder (default: {DEFAULT_PROJECTS})")
    return p


def _old_projects() -> argparse.ArgumentParser:
    """PROJECTS as a positional, the spelling before --projects (not shown in --help)."""
    p = _parent()
    p.add_argument("old_projects", nargs="?", metavar="PROJECTS", help=argparse.SUPPRESS)
    return p


def _as_of_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--as-of", metavar="DATE", help="today's date, for what is overdue or late "
                   "and for date checks (YYYY-MM-DD; default: SOURCE_DATE_EPOCH, else today)")
    return p


def _clients_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--client", action="append", metavar="SLUG",
                   help="only this client (repeatable)")
    return p


def _jobs_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="clients built in parallel (default: number of cores)")
    return p


def _strict_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--strict", action="store_true", help="treat every warning as an error "
                   "(validation's and, in build and publish, MkDocs'): a client with one is "
                   "not built or published")
    return p


def _format_option(*choices: str) -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--format", choices=choices, default=choices[0],
                   help=f"how to print the result (default: {choices[0]})")
    return p


def take_old_projects(args: argparse.Namespace) -> str:
    """Settle the projects folder: --projects, else the old positional PROJECTS, else the
    default. Returns the deprecation note for the old spelling ('' without it)."""
    old = getattr(args, "old_projects", None)
    if not hasattr(args, "projects"):
        return ""
    if old is not None and args.projects is not None and old != args.projects:
        raise MilepostError(f"the projects folder is given twice ({old} and --projects "
                            f"{args.projects}): give it once, as --projects DIR")
    note = ""
    if old is not None and not Path(old).is_dir() and (Path(DEFAULT_PROJECTS) / old).is_dir():
        # `milepost build acme`, as `serve acme` is written: the client, not a folder of them.
        better = f"--client {old}" if hasattr(args, "client") else \
            f"--projects {Path(DEFAULT_PROJECTS) / old}"
        raise MilepostError(f"'{old}' is a client in {DEFAULT_PROJECTS}/, not a projects "
                            f"folder: write `milepost {args.command} {better}`")
    if old is not None:
        note = (f"note: `milepost {args.command} {old}` is deprecated: write `milepost "
                f"{args.command} --projects {old}` (the folder as a positional argument will "
                "stop working in a later version)")
    args.projects = args.projects or old or DEFAULT_PROJECTS
    return note


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="milepost", description=(
        "Validate clients' project records and publish one site per client."))
    p.add_argument("--version", action="version", version=f"milepost {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on failure")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    projects, old, as_of = _projects_option(), _old_projects(), _as_of_option()
    clients, jobs, strict = _clients_option(), _jobs_option(), _strict_option()
    many = [projects, old, clients, as_of]  # the commands about every client (or some)

    v = sub.add_parser("validate", parents=[*many, strict, _format_option("text", "github",
                                                                          "json")],
                       help="check every client's YAML and report all problems")
    v.set_defaults(run=cmd_validate)

    b = sub.add_parser("build", parents=[*many, jobs, strict],
                       help="build one static site per client")
    b.add_argument("--out", default="site", help="output folder (default: site)")
    b.add_argument("--agency", action="store_true", help="also build DIR/_agency/, the "
                   "agency's view of every client, internal records included (staff only)")
    b.add_argument("--versions", action="store_true", help="also build every tagged version "
                   "(tags SLUG/VERSION) into DIR/SLUG/VERSION, latest into DIR/SLUG/latest")
    b.set_defaults(run=cmd_build)

    sv = sub.add_parser("serve", parents=[projects, as_of],
                        help="preview one client, rebuilt when its YAML changes")
    sv.add_argument("slug", nargs="?", help="the client's folder name (or the path to its "
                    "folder)")
    sv.add_argument("--agency", action="store_true", help="preview the agency's view of "
                    "every client instead (staff only)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=port_number, default=8000)
    sv.set_defaults(run=cmd_serve)

    rl = sub.add_parser("release", parents=[projects, as_of],
                        help="tag the client's current files as a version")
    rl.add_argument("slug", help="the client's folder name (or the path to its folder)")
    rl.add_argument("version", help="version name, e.g. v1 or 2026-11")
    rl.add_argument("-m", "--message", help="note shown on the site with this version")
    rl.set_defaults(run=cmd_release)

    df = sub.add_parser("diff", parents=[projects, as_of, _format_option("text", "markdown")],
                        help="what changed between two versions of a client")
    df.add_argument("slug", help="the client's folder name (or the path to its folder)")
    df.add_argument("frm", nargs="?", metavar="FROM", help="version (default: the last one)")
    df.add_argument("to", nargs="?", metavar="TO", help="version (default: the working tree)")
    df.add_argument("--since", metavar="REF", help="compare with the client's files where "
                    "this branch left REF (their merge base: REF itself for a commit or tag of "
                    "this branch), e.g. origin/main for a pull request, instead of a version")
    df.set_defaults(run=cmd_diff)

    pb = sub.add_parser("publish", parents=[*many, jobs, strict],
                        help="build what changed and swap it into a folder")
    where = pb.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", help="the published folder (e.g. a web root)")
    where.add_argument("--branch", help="publish as a commit on this branch (e.g. gh-pages)")
    pb.add_argument("--push", metavar="REMOTE", help="with --branch: push it afterwards")
    pb.add_argument("--prune", action=argparse.BooleanOptionalAction, default=None,
                    help="remove published clients that are no longer in the projects folder "
                    "(default: yes in CI, where CI=true; elsewhere a warning names them)")
    pb.add_argument("--agency", action="store_true", help="also publish _agency/, the agency's "
                    "view of every client (staff only)")
    pb.set_defaults(run=cmd_publish)

    pl = sub.add_parser("plan", parents=[projects, old, _format_option("text", "json")],
                        help="list the clients whose inputs changed since a commit")
    pl.add_argument("--changed-since", required=True, metavar="REF")
    pl.set_defaults(run=cmd_plan)

    nt = sub.add_parser("notify", parents=[projects, as_of], help="email a client's team what "
                        "needs them and what changed since the last digest")
    nt.add_argument("slug", nargs="?", help="the client's folder name (or the path to its "
                    "folder)")
    nt.add_argument("--all", action="store_true", help="every client with something new")
    nt.add_argument("--changed-since", metavar="REF", help="with --all: only the clients "
                    "whose files changed since this commit")
    nt.add_argument("--since", metavar="REF", help="compare with the client's files at this "
                    "commit or tag (default: the last digest sent)")
    how = nt.add_mutually_exclusive_group(required=True)
    how.add_argument("--eml", metavar="DIR", help="write DIR/SLUG.eml, send nothing")
    how.add_argument("--smtp", metavar="URL", help="send: smtp://HOST:PORT (no TLS), "
                     "smtp+starttls://USER@HOST:587 or smtps://USER@HOST:465; the password "
                     "comes from MILEPOST_SMTP_PASSWORD")
    nt.add_argument("--from", dest="sender", metavar="ADDRESS", help="sender address, e.g. "
                    "'Brightfold projects <projects@agency.example>' (default: "
                    "$MILEPOST_FROM, else who answers for the agency: its project lead)")
    nt.add_argument("--push", metavar="REMOTE", help="push the tag that remembers the digest")
    nt.set_defaults(run=cmd_notify)

    ib = sub.add_parser("inbox", parents=[projects, as_of], help="write the client's "
                        "answers by email (sign-offs, tasks, decisions, change requests, "
                        "ratings) into their YAML")
    box = ib.add_mutually_exclusive_group(required=True)
    box.add_argument("--maildir", metavar="DIR", help="read a Maildir folder")
    box.add_argument("--imap", metavar="URL", help="read imaps://USER@HOST/FOLDER or "
                     "imap+starttls://USER@HOST/FOLDER (TLS verified); the password comes "
                     "from MILEPOST_IMAP_PASSWORD")
    ib.add_argument("--authserv-id", required=True, metavar="NAME", help="your receiving "
                    "mail server's name in its Authentication-Results header, e.g. "
                    "mx.agency.example: only its results are trusted")
    ib.add_argument("--dry-run", action="store_true", help="say what would be applied; "
                    "write and mark nothing")
    ib.add_argument("--commit", action="store_true", help="commit the changed files")
    ib.set_defaults(run=cmd_inbox)

    ci = sub.add_parser("init-ci", help="write a CI pipeline that validates and publishes")
    ci.add_argument("system", choices=["github", "gitlab"])
    ci.add_argument("--deploy", choices=["ssh", "pages"], default="ssh", help="where it "
                    "publishes: ssh (the default: a new release on the agency's own server, "
                    "behind a login, over HTTPS) or pages (GitHub's gh-pages branch or GitLab "
                    "Pages: public, anyone with the address reads every client's site)")
    ci.add_argument("--server", choices=["nginx", "caddy"], help="with --deploy ssh: the "
                    "web server there (default: nginx)")
    ci.add_argument("--domain", metavar="NAME", help="with --deploy ssh: the server's name, "
                    "e.g. portal.agency.example (its SSH login and the site's address)")
    ci.add_argument("--digest-schedule", choices=["weekly", "daily"], help="send the email "
                    "digests on a schedule (weekly: Mondays 07:00 UTC; daily: weekdays) in a "
                    "job of their own, instead of after each publish")
    ci.add_argument("--root", default=".", help="the repository's root folder")
    ci.add_argument("--force", action="store_true", help="overwrite an existing pipeline")
    ci.add_argument("--package", metavar="SPEC", help="how the pipeline installs Milepost: a "
                    "pip spec such as a git URL at a tag or a wheel (default: '.', the "
                    "repository itself, when its pyproject.toml names milepost)")
    ci.set_defaults(run=cmd_init_ci)

    s = sub.add_parser("schema", help="write JSON Schemas for editor completion")
    s.add_argument("--out", default="schemas", help="folder to write to (default: schemas)")
    s.set_defaults(run=cmd_schema)

    n = sub.add_parser("new", parents=[projects],
                       help="create a new client folder that validates cleanly")
    n.add_argument("slug", help="folder name: lowercase letters, digits and '-'")
    n.add_argument("--name", required=True, help="the client's name")
    n.add_argument("--project", help="the project's name")
    n.add_argument("--start", help="start date (YYYY-MM-DD, default today)")
    n.add_argument("--schemas", default="schemas", help="where the JSON Schemas live")
    n.set_defaults(run=cmd_new)

    ac = sub.add_parser("access", help="who may see which client's site (add, list, revoke, "
                        "rotate)")
    acs = ac.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (("add", "give a person access (prints a new password once)"),
                         ("rotate", "give a person a new password"),
                         ("revoke", "take a person's access away")):
        a = acs.add_parser(action, parents=[projects] if action != "revoke" else [], help=text)
        a.add_argument("slug", nargs="?", metavar="SLUG")
        a.add_argument("email", nargs="?", metavar="EMAIL", help="the person's login")
        a.add_argument("--agency", metavar="EMAIL", help="agency staff: every client")
        if action != "revoke":
            a.add_argument("--password-stdin", action="store_true",
                           help="read the password from standard input instead of making one")
    al = acs.add_parser("list", help="who can see what, since when")
    al.add_argument("slug", nargs="?", metavar="SLUG")
    for a in (acs.choices[name] for name in ("add", "rotate", "revoke", "list")):
        a.add_argument("--access", metavar="FILE", help="the access file (default: "
                       "$MILEPOST_ACCESS, else access.yml)")
        a.set_defaults(run=cmd_access, agency=None, email=None)

    ho = sub.add_parser("host", help="write a web-server configuration that serves each "
                        "client its own site")
    hos = ho.add_subparsers(dest="server", required=True, metavar="SERVER")
    for server in ("nginx", "caddy"):
        h = hos.add_parser(server, parents=[projects], help=f"a {server} configuration")
        h.add_argument("--site", default="site", help="the built site (default: site)")
        h.add_argument("--out", required=True, help="folder to write the configuration to")
        h.add_argument("--port", type=int, help="port (default: 8080; 443 with --cert, or "
                       "Caddy with --domain)")
        h.add_argument("--listen", default="", metavar="ADDRESS",
                       help="listen on this address only (default: every address)")
        if server == "nginx":
            h.add_argument("--server-name", help="the host name, e.g. portal.agency.example")
            h.add_argument("--cert", metavar="FILE", help="serve HTTPS with this certificate "
                           "(full chain, PEM; a path on the server), with --key")
            h.add_argument("--key", metavar="FILE", help="the certificate's private key (PEM; "
                           "a path on the server)")
        else:
            h.add_argument("--domain", help="the host name: Caddy gets it a certificate "
                           "(without it: plain HTTP on the port)")
            h.add_argument("--admin-socket", metavar="PATH", help="the socket Caddy listens "
                           "on for reloads (default: caddy-admin.sock in --out)")
        h.add_argument("--root", help="where the site folder is on the server (default: "
                       "--site's absolute path)")
        h.add_argument("--access", metavar="FILE", help="the access file (default: "
                       "$MILEPOST_ACCESS, else access.yml)")
        h.add_argument("--agency-name", metavar="NAME", help="whose sites these are, on the "
                       "page a refused visitor sees")
        h.add_argument("--contact", metavar="ADDRESS", help="whom a refused visitor asks for "
                       "access: an email address or an https:// address")
        if server == "nginx":
            h.add_argument("--rate", type=int, metavar="N", help="requests a second one "
                           "address may make on average, after a burst of a few pages "
                           "(default 10; 0: no limit)")
        else:
            h.set_defaults(rate=None)  # the stock Caddy has no rate limit (see the README)
        h.set_defaults(run=cmd_host)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        note = take_old_projects(args)
        if note:
            print(visible(note), file=sys.stderr, flush=True)
        return args.run(args)
    except MilepostError as exc:
        print(visible(redact(f"error: {exc}"), lines=True), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: stopped; every client not finished keeps its last good site",
              file=sys.stderr)
        return 130
    except OSError as exc:  # a folder that cannot be written, a file that is not a folder
        where = f"{exc.filename}: " if exc.filename else ""
        print(visible(redact(f"error: {where}{exc.strerror or exc}")), file=sys.stderr)
        return 1
    except Exception as exc:  # a traceback is a bug: say so plainly, show it only with --debug
        if args.debug:
            print(redact(traceback.format_exc()), end="", file=sys.stderr)
        else:
            print(visible(redact(f"error: internal error ({type(exc).__name__}: {exc}); this "
                                 "is a bug in Milepost: run again with --debug and report it")),
                  file=sys.stderr)
        return 2
