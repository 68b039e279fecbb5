"""`milepost host`: a web-server configuration that serves each client its own site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared, access_option
from generator.docs import reference_line
from generator.problems import MilepostError, visible
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    ho = commands.add_parser("host", help="write a web-server configuration that serves each "
                             "client its own site",
                             description="Write the configuration of a web server (nginx or "
                             "Caddy) that serves the built sites, each client's only to the "
                             "people the access file lets in.")
    hos = ho.add_subparsers(dest="server", required=True, metavar="SERVER")
    for server in ("nginx", "caddy"):
        h = hos.add_parser(server, parents=[shared.projects], help=f"a {server} configuration",
                           epilog=reference_line("host"))
        h.add_argument("--site", default="site", help="the built site (default: site)")
        h.add_argument("--out", required=True, help="folder to write the configuration to")
        h.description = f"Write a configuration for {server} that serves the built sites."
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
        access_option(h)
        h.add_argument("--agency-name", metavar="NAME", help="whose sites these are, on the "
                       "page a refused visitor sees")
        h.add_argument("--contact", metavar="ADDRESS", help="whom a refused visitor asks for "
                       "access: an email address or an https:// address")
        if server == "nginx":
            h.add_argument("--rate", type=int, metavar="N", help="requests a second one "
                           "address may make on average, after a burst of a few pages "
                           "(default 10; 0: no limit)")
        else:
            # The stock Caddy has no rate limit (docs/pages/guide/hosting.md).
            h.set_defaults(rate=None)
        h.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
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
    access = acc.load_access(settings.access)
    refusal = host.Refusal(args.agency_name or "", args.contact or "")
    rate = 0 if args.server == "caddy" else host.DEFAULT_RATE if args.rate is None \
        else args.rate
    plan = host.make_plan(Path(args.site), access, port, args.listen, name, args.root, option,
                          rate, refusal, current_clients(settings.projects), tls)
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
    from generator.project.folders import client_scope

    if not projects.is_dir():
        raise MilepostError(f"--projects {projects} is not a folder: `host` serves only the "
                            "sites of the clients in it (a removed client's folder stays "
                            "offline); run it where the projects folder is, or give --projects")
    projects_dir, _ = client_scope(projects)
    return frozenset(p.name for p in find_clients(projects_dir))
