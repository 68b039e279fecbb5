"""Configuration files come from templates (content/ci/, content/hosting/) that only lay out:
a value never starts a line of its own, HTML is escaped only on the refusal page, and every
template renders for every way the command line can ask for it. Fast: no server runs here
(test_host.py and test_tls.py run the real ones)."""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from generator.problems import MilepostError
from generator.ship import configs, host
from generator.ship.access import Access, ClientAccess, Person
from generator.ship.ci import pipeline_text

ROOT = Path(__file__).resolve().parent.parent
HASH = "$2b$04$" + "a" * 53


@dataclass(frozen=True)
class Inner:
    value: str


@dataclass(frozen=True)
class Outer:
    name: str
    items: tuple[Inner, ...] = ()


@pytest.mark.parametrize("view", [
    Outer("portal.example\nlisten 80;"),
    Outer("portal.example", (Inner("ok"), Inner("a\r\nb"))),
])
def test_a_value_with_a_line_break_never_reaches_a_configuration(view: Outer):
    with pytest.raises(MilepostError, match="would start a line of its own"):
        configs.render("hosting/nginx.conf.j2", view)


def test_only_html_is_escaped():
    autoescape = configs.environment().autoescape
    assert callable(autoescape)
    assert autoescape("hosting/refusal.html.j2")
    assert not any(autoescape(name) for name in (
        "hosting/nginx.conf.j2", "hosting/Caddyfile.j2", "ci/github.yml.j2", "ci/gitlab.yml.j2"))


def test_every_template_is_named_the_way_the_environment_finds_it():
    """A template in content/ci or content/hosting is loaded as "ci/…" or "hosting/…"; none
    holds Jinja's default delimiters, which GitHub's `${{ }}` would collide with."""
    env = configs.environment()
    for folder in configs.FOLDERS:
        for path in sorted((ROOT / "content" / folder).iterdir()):
            env.get_template(f"{folder}/{path.name}")
            text = path.read_text(encoding="utf-8")
            assert "{%" not in text and "{#" not in text, path


def _site(root: Path) -> Path:
    for slug in ("acme", "bee-co"):
        (root / slug).mkdir(parents=True)
        (root / slug / "index.html").write_text("<script>a()</script>", encoding="utf-8")
        (root / slug / "calendar.ics").write_text("x", encoding="utf-8")
    (root / "_agency").mkdir()
    (root / "_agency" / "index.html").write_text("<p style='a:b'>x</p>", encoding="utf-8")
    return root


def test_both_servers_render_for_every_choice(tmp_path: Path):
    """Every branch of the templates, with StrictUndefined: a name a view lacks fails here."""
    site = _site(tmp_path / "site")
    person = Person("ann@acme.example", HASH, date(2026, 1, 1))
    full = Access({"acme": ClientAccess("a" * 40, (person,))}, (person,))
    for access, listen, name, tls, rate in itertools.product(
            (full, Access()), ("", "127.0.0.1", "::1"), ("", "portal.example"),
            (None, ("/etc/c.pem", "/etc/k.pem")), (0, 10)):
        plan = host.make_plan(site, access, 8443, listen, name, rate=rate, tls=tls,
                              refusal=host.Refusal("Agency & Co's", "pm@agency.example"))
        nginx = host.nginx_config(plan)
        caddy = host.caddy_config(plan, tmp_path / "admin.sock")
        assert ("ssl_certificate /etc/c.pem;" in nginx) == bool(tls)
        assert ("limit_req_zone" in nginx) == bool(rate)
        assert ("auto_https off" in caddy) == (not name)
        # the page's text is escaped for HTML, then the page quoted for each server
        assert "Agency &amp; Co&#x27;s" in nginx and "Agency &amp; Co&#x27;s" in caddy
        assert '<html lang=\\"en\\">' in nginx and '<html lang=\\"en\\">' in caddy


def test_the_refusal_page_allows_exactly_its_own_style():
    page = host.refusal_page(host.Refusal())
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert style == host.refusal_style()
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}';" in host.closed_policy()


@pytest.mark.parametrize(("system", "deploy", "server", "schedule"), [
    (system, deploy, server, schedule)
    for system, deploy, server, schedule in itertools.product(
        ("github", "gitlab"), ("ssh", "pages"), ("nginx", "caddy"), (None, "weekly", "daily"))
    if deploy == "ssh" or server == "nginx"])
def test_every_pipeline_renders_and_holds_no_template_syntax(system: str, deploy: str,
                                                              server: str, schedule: str | None):
    text = pipeline_text(system, "milepost==0.1.0", deploy, server, schedule, "portal.example")
    assert "[[" not in text and "[%" not in text and "__" not in text.replace("__main__", "")
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_a_pipeline_refuses_a_domain_that_is_not_a_host_name():
    with pytest.raises(MilepostError, match="is not a host name"):
        pipeline_text("github", ".", domain="portal.example\n  injected: true")
