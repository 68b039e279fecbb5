"""`python -m generator.reference` (or `make reference`): write the Reference pages into
docs/pages/reference/ of this source checkout."""

from __future__ import annotations

import sys

from generator.reference import pages


def main() -> int:
    folder = pages.reference_folder()
    if folder is None:
        print(f"error: {pages.CHECKOUT} is not a source checkout of Milepost (there is no "
              "docs/mkdocs.yml beside the package): the reference pages are written only into "
              "a checkout's docs/pages/reference/; run this from a clone of the repository",
              file=sys.stderr)
        return 1
    written = pages.write_pages(folder)
    print(f"wrote {', '.join(written)}" if written else "the reference pages are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
