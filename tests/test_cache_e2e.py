"""End to end: sigma("pt-dirac", "inh", 0.1) is the same number with a cold cache, a warm
cache and a cache whose entries were tampered with (issue 7: an edited Integer(2) -> Integer(3)
silently changed this number).

Each run is a fresh interpreter, so nothing in-process (lru caches) hides the disk.
"""

import json
import os
import re
import subprocess
import sys

_RUN = """
import symenh
r = symenh.sigma("pt-dirac", "inh", 0.1)
print(" ".join(float(x).hex() for x in r.sigma.ravel()))
"""


def _sigma(cache_dir) -> list:
    env = {**os.environ, "SYMENH_CACHE": str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", _RUN], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    return [float.fromhex(x) for x in out.stdout.split()]


def _tamper(path) -> bool:
    """Change one small integer inside the entry (its checksum left as it was); False if none found."""
    text = path.read_text()
    for old, new in (('["Integer",2]', '["Integer",3]'), ("Integer(2)", "Integer(3)"),
                     ('["Integer",-2]', '["Integer",-3]'), ('["Rational",1,2]', '["Rational",1,3]')):
        if old in text:
            path.write_text(text.replace(old, new, 1))
            return True
    new = re.sub(r'\["Integer",(\d+)\]', lambda m: f'["Integer",{int(m.group(1)) + 1}]', text, count=1)
    path.write_text(new)
    return new != text


def test_sigma_is_the_same_cold_warm_and_tampered(tmp_path):
    cold = _sigma(tmp_path)
    entries = sorted(tmp_path.glob("*.json"))
    assert len(entries) >= 2  # the geometry and the closed-form factors of H_PT
    before = {p.name: p.read_bytes() for p in entries}
    warm = _sigma(tmp_path)
    assert {p.name: p.read_bytes() for p in sorted(tmp_path.glob("*.json"))} == before  # a pure hit
    assert all(_tamper(p) for p in entries)
    tampered = _sigma(tmp_path)
    assert any(x != 0 for x in cold)
    assert cold == warm == tampered  # bit for bit
    after = {p.name: p.read_bytes() for p in sorted(tmp_path.glob("*.json"))}
    assert after == before  # every tampered entry was rebuilt and rewritten as it was
    assert all(json.loads(v)["format"] == "symenh-cache" for v in after.values())
