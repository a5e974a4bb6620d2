"""Solve and install a conda environment with py-rattler. Runs as a script in the rattler venv.

Usage: python -I rattler_solve.py REQUEST_JSON
REQUEST_JSON holds {"channels": [...], "specs": [...], "prefix": ..., "cache": ...}.
Only the standard library and rattler are imported: this file runs outside the buildpack's lib.
"""

import asyncio
import inspect
import json
import sys


async def _call(fn, *args, **kwargs):
    result = fn(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


async def _main(request):
    import rattler

    platforms = [rattler.Platform.current(), rattler.Platform("noarch")]
    records = await _call(
        rattler.solve, sources=request["channels"], specs=request["specs"],
        platforms=platforms, virtual_packages=rattler.VirtualPackage.detect(),
    )
    for record in sorted(records, key=lambda r: r.name.normalized):
        print(f"  {record.name.normalized} {record.version} {record.build}")
    await _call(rattler.install, records, target_prefix=request["prefix"],
                cache_dir=request["cache"], show_progress=False)
    # py-rattler can crash at interpreter exit right after solve/install; letting its
    # background tasks settle first avoids it
    await asyncio.sleep(0.05)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        request = json.load(f)
    try:
        asyncio.run(_main(request))
    except Exception as err:  # reported to the buildpack, which classifies it
        print(f"SOLVE-ERROR {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
