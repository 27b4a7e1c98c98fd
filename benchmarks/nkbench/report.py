"""The benchmark's summary, printed to the terminal."""
from __future__ import annotations

from pathlib import Path
from typing import Any


def kb(n: int | None) -> str:
    """Decimal units, as the budget is stated: 1 MB = 1,000,000 bytes."""
    if n is None:
        return "-"
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def report(results: dict[str, Any], written: Path) -> None:
    print(f"\n== nkarms benchmarks: {results['cpu_count']} CPU(s), {results['runs']} run(s), median ==")
    for kind, info in results["builds"].items():
        if kind == "warmup":
            continue
        executed = sorted({c for r in info["runs"] for c in r["executed"]})
        flag = "" if info["all_succeeded"] else "  (build exited non-zero: see results.json)"
        print(f"{info['what']:<52} {info['median_seconds']:7.1f} s   executed: {', '.join(executed) or 'none'}{flag}")
    if results.get("make_test"):
        t = results["make_test"]
        print(f"{'make test':<52} {t['seconds']:7.1f} s   exit {t['returncode']} {' '.join(t['summary'])}")
    size = results["site"]
    print(f"\nsite: {kb(size['total_bytes'])} in {size['files']} files; largest page "
          f"{size['largest_page']['path']} ({kb(size['largest_page']['bytes'])} of HTML)")
    print(f"shared chart runtime {results['browser']['runtime']['path']}: {kb(results['browser']['runtime']['bytes'])} "
          "(counted once, not in the page figures)")
    print(f"\n{'page (cold load, runtime apart)':<40} {'transfer':>9} {'gzip':>8} {'own':>8} {'requests':>8} {'charts':>6} "
          f"{'drawn':>8} {'load':>8}  largest response")
    for path, info in results["browser"]["pages"].items():
        if "redirect_to" in info:
            print(f"{path:<40} redirects to {info['redirect_to']} ({kb(info['html_bytes'])})")
            continue
        drawn = f"{info['charts_drawn_ms']} ms" if info["charts_drawn_ms"] is not None else "-"
        name, size = next(iter(info["largest_responses"].items()), ("-", None))
        print(f"{path:<40} {kb(info['transfer_bytes']):>9} {kb(info.get('gzip_bytes')):>8} {kb(info['own_bytes']):>8} {info['requests']:>8} "
              f"{info['charts']:>6} {drawn:>8} {info['load_ms']:>5} ms  {name} ({kb(size)})")
        if info["external_requests"]:
            print(f"   ! requests to other hosts: {info['external_requests']}")
    b = results["budget"]
    verdict = "OK" if b["ok"] else "OVER: " + ", ".join(f"{p} {kb(n)}" for p, n in b["over"].items())
    print(f"\nbudget: no chapter page over {kb(b['limit_bytes'])} without {b['excludes']}: "
          f"{b['checked']} checked, {verdict}")
    own = "OK" if not b["own_over"] else "OVER: " + ", ".join(f"{p} {kb(n)}" for p, n in b["own_over"].items())
    print(f"        the page's own bytes only (no _static/, no search index): {own}")
    print(f"written: {written}")
