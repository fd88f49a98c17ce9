"""Compile the .po catalogues to .mo with polib, so no gettext binaries are needed."""

from pathlib import Path

import polib  # type: ignore[import-untyped]


def compile_catalogues(root: Path) -> int:
    count = 0
    for po_path in sorted(root.glob("**/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    # Every app keeps its own catalogue under <app>/locale/.
    compile_catalogues(Path(__file__).resolve().parent)
