"""`--shard K/N` and `milepost assemble`: a build spread over N machines gives the same bytes
as one machine, every client in exactly one shard, the shards about the same size, and few
clients moved when one is added."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from generator.problems import MilepostError
from generator.project import shards
from generator.project.shards import (
    Shard,
    assign,
    check_made_alike,
    made_with,
    match_shards,
    parse_shard,
)
from tests.conftest import AS_OF, copy_examples, git, milepost, tree_bytes, valid_files


def _random_clients(rnd: random.Random) -> dict[str, int]:
    return {f"client-{rnd.randrange(10**9)}": rnd.randint(1, 300)
            for _ in range(rnd.randint(1, 60))}


def _loads(placed: dict[str, int], sizes: dict[str, int], n: int) -> list[int]:
    loads = [0] * n
    for slug, shard in placed.items():
        loads[shard] += sizes[slug]
    return loads


# --- the assignment -------------------------------------------------------------------------

def test_every_client_is_in_exactly_one_shard_and_no_shard_is_overfull():
    rnd = random.Random(20)
    for _ in range(500):
        sizes, n = _random_clients(rnd), rnd.randint(1, 9)
        placed = assign(sizes, n)
        assert set(placed) == set(sizes) and all(0 <= s < n for s in placed.values())
        # The shards of K = 1..N together are every client, each once.
        folders = sorted(sizes)
        together = [slug for k in range(n) for slug in folders if placed[slug] == k]
        assert sorted(together) == folders
        # An even share and the slack, or an even share and the biggest client: never more.
        even = sum(sizes.values()) / n
        bound = max((1 + shards.SLACK) * even, even + max(sizes.values()))
        assert max(_loads(placed, sizes, n)) <= bound + 1e-9


def test_adding_a_client_moves_few_others():
    """On average under a tenth of the clients move when one is added (placing them all
    again from the largest down, the usual way to balance, moves about four in ten), and a
    client never moves for one added to another split."""
    rnd = random.Random(7)
    moved, total = 0, 0
    for t in range(500):
        sizes, n = _random_clients(rnd), rnd.randint(2, 8)
        before = assign(sizes, n)
        after = assign({**sizes, f"new-{t}": rnd.randint(1, 300)}, n)
        moved += sum(before[s] != after[s] for s in sizes)
        total += len(sizes)
    assert moved / total < 0.1


def test_the_assignment_is_the_same_whatever_order_the_clients_come_in():
    sizes = {f"c{i}": i * 7 % 50 + 1 for i in range(30)}
    shuffled = dict(sorted(sizes.items(), key=lambda kv: random.Random(1).random()))
    assert assign(sizes, 4) == assign(shuffled, 4)


@pytest.mark.parametrize(("given", "message"), [
    ("0/3", "--shard '0/3': shards are counted from 1 to 3, so K must be one of 1…3"),
    ("4/3", "--shard '4/3': shards are counted from 1 to 3, so K must be one of 1…3"),
    ("1/0", "--shard '1/0': there must be at least one shard (N ≥ 1)"),
    ("x", "--shard 'x' is not K/N: write the shard's number and how many there are, e.g. "
          "--shard 2/3 (the second of three)"),
    ("2", "--shard '2' is not K/N"),
    ("-1/3", "--shard '-1/3' is not K/N"),
])
def test_a_shard_that_is_not_k_of_n_is_refused(given: str, message: str):
    with pytest.raises(MilepostError) as caught:
        parse_shard(given)
    assert str(caught.value).startswith(message)


def test_parse_shard():
    assert parse_shard("2/3") == Shard(2, 3) and str(Shard(2, 3)) == "2/3"


# --- checking the shards' outputs before anything is written ---------------------------------

@pytest.mark.parametrize(("outputs", "message"), [
    ({"a": ("1/2", ["x"]), "b": ("1/3", ["y"])},
     "the shards' outputs are of different splits (a is 1/2, b is 1/3)"),
    ({"a": ("1/2", ["x"]), "b": ("1/2", ["y"])}, "shard 1/2 is given twice (a and b)"),
    ({"a": ("1/3", ["x", "y"]), "b": ("3/3", [])}, "shard 2/3 is missing"),
    ({"a": ("1/2", ["x"]), "b": ("2/2", ["x", "y"])}, "x is in two shards' outputs (a and b)"),
    ({"a": ("1/2", ["x"]), "b": ("2/2", [])}, "not in any shard's output: y"),
    ({"a": ("1/2", ["x", "z"]), "b": ("2/2", ["y"])}, "z: built by a shard but not in the "
                                                      "projects folder"),
])
def test_assemble_refuses_outputs_that_are_not_every_shard_once(outputs: dict, message: str):
    with pytest.raises(MilepostError) as caught:
        match_shards(outputs, ["x", "y"])
    assert str(caught.value).startswith(message)


def test_assemble_takes_each_client_from_its_shard():
    assert match_shards({"a": ("2/2", ["y"]), "b": ("1/2", ["x"])}, ["x", "y"]) == \
        {"x": "b", "y": "a"}


# --- the command line -----------------------------------------------------------------------

def test_shard_errors_on_the_command_line(make_project, run_cli, valid_project_files=None):

    make_project({"acme": valid_files()})
    code, _, err = run_cli("build", "--shard", "4/3")
    assert code == 1 and err.startswith("error: --shard '4/3': shards are counted from 1 to 3")
    assert "Traceback" not in err
    code, _, err = run_cli("build", "--shard", "1/2", "--agency")
    assert code == 1 and "--agency cannot be built in shard 1/2" in err
    code, _, err = run_cli("publish", "--shard", "1/2", "--branch", "gh-pages")
    assert code == 1 and "cannot be committed to a branch on its own" in err
    code, out, _ = run_cli("plan", "--shard", "1/1")
    assert code == 0 and out == "acme\n"
    code, _, err = run_cli("plan")
    assert code == 1 and "plan needs --changed-since REF" in err


def test_a_shard_of_named_clients_is_those_named_that_are_in_it(make_project, run_cli):
    """A client's shard is worked out among every client of the projects folder, whichever
    were named: naming one client never moves it to another shard."""
    make_project({slug: valid_files() for slug in ("acme", "bolt", "crane", "delta")})
    shard = {k: run_cli("plan", "--shard", f"{k}/2")[1].split() for k in (1, 2)}
    assert sorted(shard[1] + shard[2]) == ["acme", "bolt", "crane", "delta"]
    for k in (1, 2):
        for slug in ("acme", "bolt", "crane", "delta"):
            code, out, _ = run_cli("plan", "--projects", f"projects/{slug}", "--shard", f"{k}/2")
            assert code == 0 and out.split() == ([slug] if slug in shard[k] else [])


def test_a_shard_with_no_client_says_so_and_is_done(make_project, run_cli, tmp_path: Path):
    """More shards than clients leaves some empty: not an error, but said, and marked done
    so that `assemble` finds every shard."""
    make_project({"acme": valid_files()})
    empty = next(k for k in (1, 2, 3) if run_cli("plan", "--shard", f"{k}/3")[1].split() == [])
    code, out, err = run_cli("build", "--shard", f"{empty}/3", "--out", "out", "--as-of", AS_OF)
    assert code == 0, err
    assert f"note: shard {empty}/3 has no client to build" in out
    assert any(p.name.startswith(".milepost-shard") for p in (tmp_path / "out").iterdir())


def test_shards_built_on_other_dates_or_with_other_engines_are_refused():
    wanted = made_with(date(2026, 12, 2), "mkdocs")
    check_made_alike({"a": dict(wanted), "b": dict(wanted)}, wanted)  # alike: no error
    later = {**wanted, "as_of": "2027-01-01"}
    with pytest.raises(MilepostError, match=r"not all built with as of 2026-12-02, as "
                       r"assemble is \(a: 2026-12-02, b: 2027-01-01\).*same --as-of"):
        check_made_alike({"a": dict(wanted), "b": later}, wanted)
    with pytest.raises(MilepostError, match=r"with engine mkdocs.*\(a: zensical, b: zensical\)"
                       r".*same --engine"):
        check_made_alike({"a": {**wanted, "engine": "zensical"},
                          "b": {**wanted, "engine": "zensical"}}, wanted)


@pytest.mark.slow
def test_assemble_refuses_shards_built_on_another_date(make_project, run_cli, tmp_path: Path):
    """One site must not mix days (what is overdue) or engines: assemble checks before it
    writes anything."""
    make_project({"acme": valid_files(), "bolt": valid_files()})
    for k, day in ((1, AS_OF), (2, "2026-06-02")):
        code, _, err = run_cli("build", "--shard", f"{k}/2", "--out", f"s{k}", "--as-of", day)
        assert code == 0, err
    code, _, err = run_cli("assemble", "s1", "s2", "--out", "out", "--as-of", AS_OF)
    assert code == 1 and "same --as-of" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_assemble_refuses_a_folder_that_is_no_shard(make_project, run_cli, tmp_path: Path):

    make_project({"acme": valid_files()})
    (tmp_path / "nothing").mkdir()
    code, _, err = run_cli("assemble", "nothing", "--out", "site")
    assert code == 1 and err == ("error: nothing is not a shard's output (it has no "
                                 ".milepost-shard): give the folders that `milepost build "
                                 "--shard K/N` or `publish --shard K/N` wrote\n")
    assert not (tmp_path / "site").exists()


def test_assemble_never_puts_the_agency_view_where_pages_serve_it(make_project, run_cli,
                                                                   tmp_path: Path,
                                                                   monkeypatch):
    make_project({"acme": valid_files()})
    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    code, _, err = run_cli("assemble", "shard-1", "--out", "public", "--agency")
    assert code == 1 and err.startswith("error: --agency cannot be published into public: in "
                                        "GitLab CI, GitLab Pages serves public/")
    assert not (tmp_path / "public").exists()


# --- the replay: three machines, then one ---------------------------------------------------

@pytest.fixture(scope="module")
def agency_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository of the example clients and three synthetic ones, two of them with
    released versions."""
    from bench.synthetic import write_clients

    repo = tmp_path_factory.mktemp("shards") / "repo"
    copy_examples(repo / "projects")
    write_clients(repo / "projects", years=1, count=3, as_of=date(2026, 3, 1), seed=20)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "clients", day="2026-02-01")
    for slug in ("northwind", "harbor-health"):
        git(repo, "tag", "-a", f"{slug}/v1", "-m", "Baseline", day="2026-02-01")
    roadmap = repo / "projects" / "northwind" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text(encoding="utf-8").replace(
        "title:", "title: Revised", 1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "northwind: a milestone renamed", day="2026-02-10")
    return repo


def _run(repo: Path, *args: str) -> None:
    done = milepost(repo, *args, "--as-of", "2026-03-10")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("versions", [[], ["--versions"]], ids=["plain", "versions"])
def test_three_shards_and_assemble_give_the_bytes_of_one_build(agency_repo: Path,
                                                                 versions: list[str]):
    """Each shard a `milepost` process of its own, into a folder of its own (as on three
    machines), then `assemble --agency`: every file, the agency's view and the shared theme
    files included, is the same bytes as one `build --agency` (contents compared, not
    inodes: the shared files are hard links on one machine and copies across three)."""
    name = "versions" if versions else "plain"
    work = agency_repo.parent / name
    for k in (1, 2, 3):
        _run(agency_repo, "build", *versions, "--shard", f"{k}/3", "--out",
             str(work / f"shard-{k}"))
    held = [sorted(p.name for p in (work / f"shard-{k}").iterdir() if not
                   p.name.startswith(".")) for k in (1, 2, 3)]
    assert all(held) and sorted(sum(held, [])) == sorted(
        p.name for p in (agency_repo / "projects").iterdir())
    _run(agency_repo, "assemble", *(str(work / f"shard-{k}") for k in (1, 2, 3)),
         "--out", str(work / "assembled"), "--agency")
    _run(agency_repo, "build", *versions, "--agency", "--out", str(work / "single"))
    assembled, single = tree_bytes(work / "assembled"), tree_bytes(work / "single")
    assert sorted(assembled) == sorted(single)
    assert [p for p in single if assembled[p] != single[p]] == []
    assert any(p.startswith("_agency/") for p in single)
    if versions:
        assert "northwind/v1/index.html" in single and "northwind/latest/index.html" in single


# --- init-ci --shards N --------------------------------------------------------------------

def test_github_builds_each_shard_in_a_matrix_then_one_job_assembles_and_publishes():
    import yaml

    from generator.ship.ci import pipeline_text

    data = yaml.safe_load(pipeline_text("github", ".", shards=3))
    build, publish = data["jobs"]["build"], data["jobs"]["publish"]
    assert build["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert build["env"]["MILEPOST_SHARD"] == "${{ matrix.shard }}/3"
    assert build["permissions"] == {"contents": "read"}
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert 'milepost publish --projects projects --shard "$shard" --to site' in runs
    assert "--agency" not in runs  # a shard never holds the agency's view
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith(
        "actions/upload-artifact"))
    assert upload["with"]["retention-days"] == 1
    assert upload["with"]["name"] == "milepost-shard-${{ matrix.shard }}"
    assert publish["needs"] == "build"
    download = next(s for s in publish["steps"] if s.get("uses", "").startswith(
        "actions/download-artifact"))
    assert download["with"] == {"pattern": "milepost-shard-*", "path": "shards",
                                "merge-multiple": True}
    runs = "\n".join(step.get("run", "") for step in publish["steps"])
    assert "milepost assemble --projects projects shards/*/ --out site --agency" in runs
    assert "milepost publish" not in runs  # nothing is built again
    assert runs.index("milepost assemble") < runs.index("mv -T current.next current")


def test_gitlab_builds_each_shard_in_parallel_then_one_job_assembles_and_publishes():
    import yaml

    from generator.ship.ci import pipeline_text

    data = yaml.safe_load(pipeline_text("gitlab", ".", shards=4))
    assert data["stages"] == ["check", "review", "build", "publish"]
    build, deploy = data["build"], data["deploy"]
    assert build["parallel"] == 4 and build["stage"] == "build"
    assert build["artifacts"] == {"paths": ["shards/"], "expire_in": "1 day",
                                  "access": "developer"}
    assert "resource_group" not in build  # shards of two pipelines may build side by side
    script = "\n".join(build["script"])
    assert 'shard="$CI_NODE_INDEX/$CI_NODE_TOTAL"' in script and "--agency" not in script
    assert deploy["needs"] == ["build"] and deploy["resource_group"] == "milepost-publish"
    script = "\n".join(deploy["script"])
    assert "milepost assemble --projects projects shards/*/ --out site --agency" in script
    assert "milepost publish" not in script


@pytest.mark.parametrize(("args", "message"), [
    (["--shards", "0"], "--shards 0: give a number of build jobs from 2 to 200"),
    (["--shards", "1"], "--shards 1: give a number of build jobs from 2 to 200"),
    (["--shards", "201"], "--shards 201: give a number of build jobs from 2 to 200"),
    (["--shards", "3", "--deploy", "pages"], "--shards 3 spreads the build of a release for "
                                             "your own server"),
])
def test_init_ci_refuses_shards_it_cannot_use(args: list[str], message: str, run_cli,
                                             tmp_path: Path):
    shutil.copyfile(Path(__file__).parent.parent / "pyproject.toml", tmp_path / "pyproject.toml")
    code, out, err = run_cli("init-ci", "github", *args)
    assert (code, out) == (1, "") and err.startswith(f"error: {message}")
    assert not (tmp_path / ".github").exists()


def test_init_ci_says_the_shards_pass_through_artifacts(run_cli, tmp_path: Path):
    shutil.copyfile(Path(__file__).parent.parent / "pyproject.toml", tmp_path / "pyproject.toml")
    code, out, _ = run_cli("init-ci", "gitlab", "--shards", "3")
    flat = " ".join(out.split())
    assert code == 0 and "the clients are built by 3 jobs at once (shards)" in flat
    assert "Keep the repository private" in flat and "access: developer" in flat


@pytest.mark.parametrize("system", ["github", "gitlab"])
@pytest.mark.parametrize("server", ["nginx", "caddy"])
def test_every_shard_pipeline_renders_and_holds_no_template_syntax(system: str, server: str):
    from generator.ship.ci import pipeline_text

    text = pipeline_text(system, "milepost==0.1.0", "ssh", server, "weekly", "portal.example",
                         shards=2)
    assert "[[" not in text and "[%" not in text and "\n\n" not in text
    assert text.endswith("\n")


# --- the sharded pipeline, run job by job: three shard jobs, then the one that publishes ------

def _shard_env(system: str, k: int) -> dict[str, str]:
    if system == "github":  # the matrix fills MILEPOST_SHARD in from ${{ matrix.shard }}
        return {"MILEPOST_SHARD": f"{k}/3"}
    return {"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": "3"}


def _tar_clients(tar: Path) -> list[str]:
    import tarfile

    with tarfile.open(tar) as archive:
        tops = {Path(m.name).parts[0] for m in archive.getmembers() if Path(m.name).parts}
    return sorted(top for top in tops if not top.startswith("."))


@pytest.mark.slow
@pytest.mark.parametrize(("system", "server"), [("github", "nginx"), ("gitlab", "caddy")])
def test_the_sharded_pipeline_publishes_the_bytes_of_one_machine(system: str, server: str,
                                                                  tmp_path: Path):
    """The pipeline `init-ci --shards 3` writes, each job in a checkout of its own (artifacts
    carried from the shard jobs to the last one, as the CI system does): the release it
    uploads to the server (real rsync, ssh standing in only as the transport) is the same
    bytes as one `milepost publish --agency` of the same commit; on the second run each shard
    starts from its own clients on the server, and only from them."""
    from tests.test_versions import (
        EPOCH,
        FAKE_SSH,
        KNOWN_HOSTS,
        SSH_KEY,
        ci_checkout,
        ci_steps,
        new_remote,
        run_ci,
    )

    if shutil.which(server) is None or shutil.which("rsync") is None:
        pytest.skip(f"needs {server} and rsync (apt-get install {server} rsync)")
    remote, pm = new_remote(tmp_path)
    copy_examples(pm / "projects")
    git(pm, "add", "-A")
    git(pm, "commit", "-qm", "clients", day="2026-10-01")
    git(pm, "tag", "-a", "northwind/v1", "-m", "Signed plan", day="2026-10-01")
    git(pm, "push", "-q", "--tags", "origin", "main")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "key").write_text(SSH_KEY + "\n")
    (secrets / "known_hosts").write_text(KNOWN_HOSTS + "\n")
    access = secrets / "access.yml"
    added = milepost(pm, "access", "add", "--agency", "pm@agency.example", "--access",
                     str(access), stdin="velvet thimble quasar orchard\n")
    assert added.returncode == 0, added.stderr
    srv, fakes = tmp_path / "srv", tmp_path / "fakes"
    srv.mkdir()
    fakes.mkdir()
    (fakes / "ssh").write_text(FAKE_SSH.format(python=sys.executable), encoding="utf-8")
    (fakes / "ssh").chmod(0o755)
    env = {"HOME": str(tmp_path / "home"), "FAKE_SSH_LOG": str(tmp_path / "ssh.log"),
           "RUNNER_TEMP": str(tmp_path), "MILEPOST_DEPLOY_PATH": str(srv),
           "MILEPOST_HOST_OPTIONS": "--port 8080 --listen 127.0.0.1",
           "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_BRANCH": "main", "GITHUB_RUN_ATTEMPT": "1"}
    (tmp_path / "home").mkdir()
    if system == "gitlab":  # "File" variables: GitLab puts each in a file, passes its path
        env.update(MILEPOST_SSH_KEY=str(secrets / "key"),
                   MILEPOST_SSH_KNOWN_HOSTS=str(secrets / "known_hosts"),
                   MILEPOST_ACCESS=str(access))
    options = dict(deploy="ssh", server=server, shards=3,
                   secrets={"MILEPOST_SSH_KEY": SSH_KEY, "MILEPOST_SSH_KNOWN_HOSTS": KNOWN_HOSTS,
                            "MILEPOST_ACCESS": access.read_text(encoding="utf-8")})
    shard_steps = ci_steps(system, "build", **options)  # type: ignore[arg-type]
    final_steps = ci_steps(system, "publish" if system == "github" else "deploy",
                           **options)  # type: ignore[arg-type]
    clients = sorted(p.name for p in (pm / "projects").iterdir())

    def pipeline(n: int) -> list[list[str]]:
        final = ci_checkout(remote, tmp_path / f"run-{n}" / "publish", "main")
        (final / "shards").mkdir()
        held = []
        for k in (1, 2, 3):
            job = ci_checkout(remote, tmp_path / f"run-{n}" / f"build-{k}", "main")
            run_ci(shard_steps, job, {**env, **_shard_env(system, k)}, fakes)
            shutil.copy(job / "shards" / f"{k}.tar", final / "shards")  # the artifact
            held.append(_tar_clients(job / "shards" / f"{k}.tar"))
        run_ci(final_steps, final, {**env, "GITHUB_RUN_ID": str(n), "CI_JOB_ID": str(n)},
               fakes)
        single = ci_checkout(remote, tmp_path / f"run-{n}" / "single", "main")
        done = subprocess.run([sys.executable, "-m", "generator", "publish", "--projects",
                               "projects", "--to", "site", "--agency"], cwd=single,
                              capture_output=True, text=True,
                              env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CI": "true",
                                   "NO_MKDOCS_2_WARNING": "1"})
        assert done.returncode == 0, done.stderr
        published, expected = tree_bytes(srv / "current" / "site"), tree_bytes(single / "site")
        assert sorted(published) == sorted(expected)
        assert [p for p in expected if published[p] != expected[p]] == []
        assert "_agency/index.html" in published
        return held

    first = pipeline(1)
    assert sorted(sum(first, [])) == clients  # every client from exactly one shard
    roadmap = pm / "projects" / "harbor-health" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text(encoding="utf-8").replace("title:", "title: New", 1),
                       encoding="utf-8")
    git(pm, "commit", "-qam", "harbor-health: a milestone renamed", day="2026-10-20")
    git(pm, "push", "-q", "origin", "main")
    assert pipeline(2) == first  # the same shards, each pulling its own clients only
    assert len(list((srv / "releases").iterdir())) == 2
