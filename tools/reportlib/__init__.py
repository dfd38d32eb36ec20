"""reportlib: what tools/report and tools/findings share: the demo's runs
digested (runs.py), the findings on the debate's claims (findings.py), the
claims themselves (claims.py) and the HTML page (page.py)."""
